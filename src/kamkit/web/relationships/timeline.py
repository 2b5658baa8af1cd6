"""The account timeline: every dated record of the three processes, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kamkit.web.accounts.models import Account
from kamkit.web.users.models import User

from .models import Interaction, JointInitiative, PhaseRecord, Problem, Pulse

PROCESSES = {
    "communication": "Communication",
    "co_creation": "Co-creation",
    "problem_solving": "Problem solving",
    "pulse": "Pulses",
    "phase": "Phase",
}


@dataclass(frozen=True, slots=True)
class Entry:
    on: dt.date
    process: str
    side: str | None
    title: str
    detail: str
    record: object

    @property
    def kind_label(self) -> str:
        return PROCESSES[self.process]

    @property
    def entry_kind(self) -> str | None:
        """The kind the supplier's team deletes and restores (issue 15), if any."""
        return {"communication": "interaction", "pulse": "pulse", "phase": "phase"}.get(
            self.process
        )

    @property
    def deletable(self) -> bool:
        """Entries the supplier's team may delete: not kamkit's inferred phases, not what
        a customer person recorded in kamkit."""
        from .services import not_ours

        return self.entry_kind is not None and not_ours(self.record) is None


def _day(value) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


def build_timeline(
    account: Account,
    user: User,
    process: str | None = None,
    side: str | None = None,
    limit: int = 60,
) -> list[Entry]:
    """Up to ``limit`` newest entries the user may see, optionally of one process or side.
    One query per record kind, each limited, then merged."""
    entries: list[Entry] = []

    def want(kind: str) -> bool:
        return process in (None, "", kind)

    if want("communication"):
        qs = (
            Interaction.objects.visible_to(user)
            .filter(account=account)
            .prefetch_related("participants")
        )
        if side:
            qs = qs.filter(initiated_by=side)
        for i in qs[:limit]:
            people = ", ".join(p.name for p in i.participants.all())
            entries.append(
                Entry(
                    _day(i.occurred_at),
                    "communication",
                    i.initiated_by,
                    f"{i.get_channel_display()} · {i.get_content_display().lower()}"
                    + ("" if i.two_way else " · one-way"),
                    (i.summary + (f" — {people}" if people else "")).strip(" —"),
                    i,
                )
            )
    if want("co_creation") and side in (None, ""):
        for ini in JointInitiative.objects.visible_to(user).filter(account=account)[:limit]:
            entries.append(
                Entry(
                    _day(ini.created_at),
                    "co_creation",
                    None,
                    f"Initiative: {ini.title}",
                    ini.get_status_display(),
                    ini,
                )
            )
    if want("problem_solving"):
        qs = (
            Problem.objects.visible_to(user)
            .filter(account=account)
            .prefetch_related("stage_changes")
        )
        if side:
            qs = qs.filter(raised_by=side)
        for pr in qs[:limit]:
            entries.append(
                Entry(
                    pr.raised_on,
                    "problem_solving",
                    pr.raised_by,
                    f"Problem: {pr.title}",
                    f"now {pr.get_stage_display().lower()}",
                    pr,
                )
            )
    if want("pulse"):
        qs = Pulse.objects.visible_to(user).filter(account=account).select_related("person")
        if side:
            qs = qs.filter(person__side=side)
        for pu in qs[:limit]:
            scores = ", ".join(
                f"{k.replace('_', ' ')} {getattr(pu, k)}"
                for k in ("communication", "co_creation", "problem_solving", "trust")
                if getattr(pu, k) is not None
            )
            entries.append(
                Entry(
                    pu.rated_on, "pulse", pu.person.side, f"Pulse by {pu.person.name}", scores, pu
                )
            )
    if want("phase") and user.role != "customer" and side in (None, ""):
        phases = PhaseRecord.objects.visible_to(user).filter(account=account)
        # the person: whether the entry is ours to change (Entry.deletable), in one query
        for ph in phases.select_related("person")[:limit]:
            entries.append(
                Entry(
                    ph.recorded_on,
                    "phase",
                    None,
                    f"Phase: {ph.get_phase_display()}",
                    ph.get_source_display(),
                    ph,
                )
            )
    entries.sort(key=lambda e: e.on, reverse=True)
    return entries[:limit]
