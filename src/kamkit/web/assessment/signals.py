"""Every write of a record the assessment reads marks its account's stored assessment
outdated (``services.records_changed``): saves and deletions through any path (services,
the admin, the API), and the participants of contacts and problems. Bulk writes, which
send no signals, call ``records_changed`` themselves."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from kamkit.web.accounts.models import Account, Person
from kamkit.web.relationships.models import (
    CommunicationPreference,
    DeclineDecision,
    Interaction,
    JointInitiative,
    PhaseRecord,
    Problem,
    ProblemStageChange,
    Pulse,
)

from .services import records_changed

ASSESSED = (
    Person,
    Interaction,
    JointInitiative,
    Problem,
    Pulse,
    PhaseRecord,
    CommunicationPreference,
    DeclineDecision,
)
"""The models whose records feed an account's assessment (``services.collect``), each
with an ``account``; stage changes and the account itself are handled below."""


def _changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # a fixture or a restore: the records come with their snapshots
        return
    ids = [instance.account_id]
    previous = getattr(instance, "_kamkit_previous_account", None)
    if previous is not None:
        ids.append(previous)  # an interaction moved to another account
    records_changed(ids)


def _stage_changed(sender, instance: ProblemStageChange, raw: bool = False, **kwargs) -> None:
    if not raw:
        records_changed(
            Problem.objects.filter(pk=instance.problem_id).values_list("account_id", flat=True)
        )


def _account_saved(
    sender, instance: Account, raw: bool = False, created: bool = False, **kwargs
) -> None:
    if not raw and not created:  # a new account has nothing to assess yet
        records_changed([instance.pk])


def _participants(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        records_changed([instance.account_id])


for model in ASSESSED:
    post_save.connect(_changed, sender=model, dispatch_uid=f"assessed_saved_{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"assessed_deleted_{model.__name__}")
post_save.connect(_stage_changed, sender=ProblemStageChange, dispatch_uid="assessed_stage_saved")
post_delete.connect(
    _stage_changed, sender=ProblemStageChange, dispatch_uid="assessed_stage_deleted"
)
post_save.connect(_account_saved, sender=Account, dispatch_uid="assessed_account_saved")
for through in (Interaction.participants.through, Problem.participants.through):
    m2m_changed.connect(_participants, sender=through, dispatch_uid=f"assessed_{through.__name__}")
