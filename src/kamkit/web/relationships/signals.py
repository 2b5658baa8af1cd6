"""Keep the interaction aggregates current: whenever an interaction, its participants or a
person changes, the person pairs and the weekly counts it touches are recomputed. A
contact logged, moved or deleted recomputes only its week(s) and the pairs among its
participants, so its cost does not grow with the account's history (issue 17: rebuilding
the whole account took 285 ms on an account of 50,000 contacts); an interaction moved to
another account updates both accounts. A person's change (their side) recomputes the
account's pairs. Bulk loaders call ``rebuild_pairs`` and ``rebuild_weeks`` themselves."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from kamkit.web.accounts.models import Person

from .models import Interaction
from .services import extend_pairs, rebuild_pairs, rebuild_weeks, utc_week

Links = Interaction.participants.through


def _participants(interaction_id: int) -> set[int]:
    return set(
        Links.objects.filter(interaction_id=interaction_id).values_list("person_id", flat=True)
    )


@receiver(pre_save, sender=Interaction, dispatch_uid="aggregates_before_interaction")
def _interaction_saving(sender, instance: Interaction, raw: bool = False, **kwargs) -> None:
    if not raw and instance.pk is not None:
        instance._kamkit_previous = (
            Interaction.objects.filter(pk=instance.pk)
            .values_list("account_id", "occurred_at")
            .first()
        )
        previous = instance._kamkit_previous
        instance._kamkit_previous_account = previous[0] if previous else None


@receiver(post_save, sender=Interaction, dispatch_uid="pairs_on_interaction")
def _interaction_saved(
    sender, instance: Interaction, raw: bool = False, created: bool = False, **kwargs
) -> None:
    if raw:
        return
    accounts = {instance.account_id}
    weeks = {utc_week(instance.occurred_at)}
    previous = getattr(instance, "_kamkit_previous", None)
    if previous:
        accounts.add(previous[0])
        weeks.add(utc_week(previous[1]))
    rebuild_weeks(accounts, weeks)
    if not created:  # a new contact has no participants yet: they follow (m2m_changed)
        rebuild_pairs(accounts, _participants(instance.pk))


@receiver(pre_delete, sender=Interaction, dispatch_uid="aggregates_before_interaction_delete")
def _interaction_deleting(sender, instance: Interaction, **kwargs) -> None:
    instance._kamkit_people = _participants(instance.pk)  # their links go before it


@receiver(post_delete, sender=Interaction, dispatch_uid="aggregates_on_interaction_delete")
def _interaction_deleted(sender, instance: Interaction, **kwargs) -> None:
    rebuild_weeks([instance.account_id], [utc_week(instance.occurred_at)])
    rebuild_pairs([instance.account_id], getattr(instance, "_kamkit_people", None))


@receiver(m2m_changed, sender=Links, dispatch_uid="pairs_on_links")
def _participants_changed(
    sender, instance, action: str, reverse: bool, pk_set: set | None, **kwargs
) -> None:
    if reverse:  # a person's contacts changed: their account's pairs, all of them
        if action in ("post_add", "post_remove", "post_clear"):
            rebuild_pairs([instance.account_id])
        return
    if action == "pre_clear":
        instance._kamkit_people = _participants(instance.pk)
    elif action == "post_add":  # pairs only grow: extended in place
        extend_pairs(instance, pk_set or ())
    elif action == "post_remove":  # the pairs among who takes part now and who left
        rebuild_pairs([instance.account_id], _participants(instance.pk) | set(pk_set or ()))
    elif action == "post_clear":
        rebuild_pairs([instance.account_id], getattr(instance, "_kamkit_people", None))


@receiver(post_save, sender=Person, dispatch_uid="pairs_on_person")
def _person_saved(
    sender, instance: Person, raw: bool = False, created: bool = False, **kwargs
) -> None:
    if not raw and not created:  # a new person has no interactions yet
        rebuild_pairs([instance.account_id])
