"""The account timeline: every dated record of the three processes, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamkit.web.accounts.models import Account
from kamkit.web.base import MAX_ID, holds
from kamkit.web.labels import ITEM_LABELS, SIDE_WORDS, decap
from kamkit.web.users.models import User

from .models import Interaction, JointInitiative, PhaseRecord, Problem, Pulse

PROCESSES = {
    "communication": gettext_lazy("Communication"),
    "co_creation": gettext_lazy("Co-creation"),
    "problem_solving": gettext_lazy("Problem solving"),
    "pulse": gettext_lazy("Pulses"),
    "phase": gettext_lazy("Phase"),
}


RANK = {"communication": 4, "co_creation": 3, "problem_solving": 2, "pulse": 1, "phase": 0}
"""Within one day, the order of the kinds (newest first: contacts, then initiatives, …)."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page of the timeline ended: the last shown entry's place in the order
    (day, kind, time within the day, id), newest first. ``str()`` gives the URL form;
    ``parse`` reads it back and answers None for anything else."""

    on: dt.date
    rank: int
    micros: int  # the record's timestamp (contacts, initiatives); 0 for dated records
    pk: int

    def __str__(self) -> str:
        return f"{self.on.isoformat()}.{self.rank}.{self.micros}.{self.pk}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        parts = text.split(".")
        if len(parts) != 4 or not all(p.isdigit() and len(p) <= 19 for p in parts[1:]):
            return None
        try:
            on = dt.date.fromisoformat(parts[0])
        except ValueError:
            return None
        rank, micros, pk = (int(p) for p in parts[1:])
        if rank > max(RANK.values()) or pk > MAX_ID:
            return None
        return cls(on, rank, micros, pk)


@dataclass(frozen=True, slots=True)
class Entry:
    on: dt.date
    process: str
    side: str | None
    title: str
    detail: str
    record: object
    micros: int = 0

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.on, RANK[self.process], self.micros, self.record.pk)

    @property
    def kind_label(self) -> str:
        return str(PROCESSES[self.process])

    @property
    def side_label(self) -> str:
        return str(SIDE_WORDS.get(self.side or "", self.side or ""))

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


def _micros(value: dt.datetime) -> int:
    return (value - _EPOCH) // _MICRO


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _older(qs, process: str, field: str, timed: bool, cursor: Cursor | None):
    """The kind's records after ``cursor`` in the timeline's order, newest first. Every
    page is one indexed range per kind, whatever its depth (issue 17: "show more" asked
    for all earlier pages again)."""
    qs = qs.order_by(f"-{field}", "-pk")
    if cursor is None:
        return qs
    rank = RANK[process]
    if timed:  # a timestamp: its local day orders it, then the time within the day
        if rank < cursor.rank:
            return qs.filter(**{f"{field}__lt": _midnight(cursor.on + dt.timedelta(days=1))})
        if rank > cursor.rank:
            return qs.filter(**{f"{field}__lt": _midnight(cursor.on)})
        at = _EPOCH + dt.timedelta(microseconds=cursor.micros)
        return qs.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": cursor.pk}))
    if rank < cursor.rank:
        return qs.filter(**{f"{field}__lte": cursor.on})
    if rank > cursor.rank:
        return qs.filter(**{f"{field}__lt": cursor.on})
    same_day = Q(**{field: cursor.on, "pk__lt": cursor.pk})
    return qs.filter(Q(**{f"{field}__lt": cursor.on}) | same_day)


def build_timeline(
    account: Account,
    user: User,
    process: str | None = None,
    side: str | None = None,
    limit: int = 60,
    after: Cursor | None = None,
    text: str | None = None,
) -> list[Entry]:
    """Up to ``limit`` newest entries the user may see (after ``after``, when given),
    optionally of one process or side, and holding ``text`` (any letter case: a
    contact's summary or a participant's name, an initiative's title or goal, a
    problem's title or framings, a pulse's comment or rater; phase statements hold no
    text to match). One query per record kind, each limited, then merged in the
    timeline's order (day, kind, time, id; newest first)."""
    entries: list[Entry] = []

    def want(kind: str) -> bool:
        return process in (None, "", kind) and not (text and kind == "phase")

    if want("communication"):
        qs = Interaction.objects.visible_to(user).filter(account=account)
        if side:
            qs = qs.filter(initiated_by=side)
        if text:
            named = Interaction.participants.through.objects.filter(
                holds("person__name", text), interaction__account=account
            ).values("interaction_id")
            qs = qs.filter(holds("summary", text) | Q(pk__in=named))
        contacts = list(_older(qs, "communication", "occurred_at", True, after)[:limit])
        # the participants' names in one query (a prefetch built a manager per contact)
        names: dict[int, list[str]] = {}
        for pk, name in (
            Interaction.participants.through.objects.filter(
                interaction_id__in=[i.pk for i in contacts]
            )
            .order_by("person__side", "person__name", "person_id")
            .values_list("interaction_id", "person__name")
        ):
            names.setdefault(pk, []).append(name)
        for i in contacts:
            people = ", ".join(names.get(i.pk, ()))
            entries.append(
                Entry(
                    _day(i.occurred_at),
                    "communication",
                    i.initiated_by,
                    f"{i.get_channel_display()} · {decap(i.get_content_display())}"
                    + ("" if i.two_way else " · " + _("one-way")),
                    (i.summary + (f" — {people}" if people else "")).strip(" —"),
                    i,
                    _micros(i.occurred_at),
                )
            )
    if want("co_creation") and side in (None, ""):
        qs = JointInitiative.objects.visible_to(user).filter(account=account)
        if text:
            qs = qs.filter(holds("title", text) | holds("goal", text))
        for ini in _older(qs, "co_creation", "created_at", True, after)[:limit]:
            entries.append(
                Entry(
                    _day(ini.created_at),
                    "co_creation",
                    None,
                    _("Initiative: {title}").format(title=ini.title),
                    ini.get_status_display(),
                    ini,
                    _micros(ini.created_at),
                )
            )
    if want("problem_solving"):
        qs = Problem.objects.visible_to(user).filter(account=account)
        if side:
            qs = qs.filter(raised_by=side)
        if text:
            qs = qs.filter(
                holds("title", text)
                | holds("customer_framing", text)
                | holds("supplier_framing", text)
            )
        for pr in _older(qs, "problem_solving", "raised_on", False, after)[:limit]:
            entries.append(
                Entry(
                    pr.raised_on,
                    "problem_solving",
                    pr.raised_by,
                    _("Problem: {title}").format(title=pr.title),
                    _("now {stage}").format(stage=decap(pr.get_stage_display())),
                    pr,
                )
            )
    if want("pulse"):
        qs = Pulse.objects.visible_to(user).filter(account=account).select_related("person")
        if side:
            qs = qs.filter(person__side=side)
        if text:
            qs = qs.filter(holds("comment", text) | holds("person__name", text))
        for pu in _older(qs, "pulse", "rated_on", False, after)[:limit]:
            scores = ", ".join(
                f"{decap(ITEM_LABELS[k])} {getattr(pu, k)}"
                for k in ("communication", "co_creation", "problem_solving", "trust")
                if getattr(pu, k) is not None
            )
            entries.append(
                Entry(
                    pu.rated_on,
                    "pulse",
                    pu.person.side,
                    _("Pulse by {name}").format(name=pu.person.name),
                    scores,
                    pu,
                )
            )
    if want("phase") and user.role != "customer" and side in (None, ""):
        phases = PhaseRecord.objects.visible_to(user).filter(account=account)
        # the person: whether the entry is ours to change (Entry.deletable), in one query
        for ph in _older(phases.select_related("person"), "phase", "recorded_on", False, after)[
            :limit
        ]:
            entries.append(
                Entry(
                    ph.recorded_on,
                    "phase",
                    None,
                    _("Phase: {phase}").format(phase=ph.get_phase_display()),
                    ph.get_source_display(),
                    ph,
                )
            )
    entries.sort(key=lambda e: (e.on, RANK[e.process], e.micros, e.record.pk), reverse=True)
    return entries[:limit]


def iter_timeline(
    account: Account,
    user: User,
    process: str | None = None,
    side: str | None = None,
    page: int = 1000,
    text: str | None = None,
) -> Iterator[Entry]:
    """Every entry the user may see, newest first, read ``page`` at a time by cursor:
    an export of the whole history streams without holding it in memory."""
    after = None
    while True:
        chunk = build_timeline(account, user, process, side, limit=page, after=after, text=text)
        yield from chunk
        if len(chunk) < page:
            return
        after = chunk[-1].cursor
