"""The perception gap (SPEC §2.7): how each side rates the relationship, side by side.

Both sides rate the three processes (and satisfaction and trust) 1–7 in pulses, and both
say which lifecycle phase they see the relationship in. Where the customer rates a
process lower than the supplier does, or sees another phase, the supplier is working
from a picture the customer does not share. This module turns ratings and phase
statements into the comparison; it knows nothing of where they are stored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kamkit.core.i18n import gettext_noop
from kamkit.core.lifecycle.phases import PhaseStatement

ITEMS: tuple[str, ...] = (
    "communication",
    "co_creation",
    "problem_solving",
    "satisfaction",
    "trust",
)
ITEM_LABELS = {
    "communication": gettext_noop("Collaborative communication"),
    "co_creation": gettext_noop("Co-creation of value"),
    "problem_solving": gettext_noop("Joint problem solving"),
    "satisfaction": gettext_noop("Satisfaction"),
    "trust": gettext_noop("Trust"),
}
WIDE_GAP = 1.0
"""A difference of a full point or more on the 1–7 scale is flagged as wide."""


@dataclass(frozen=True)
class Rating:
    """One person's pulse: the day, the person's side, and the items rated (1–7)."""

    on: dt.date
    side: str
    person: int
    values: Mapping[str, int | None]


@dataclass(frozen=True)
class Gap:
    """One item's current ratings: each side's mean of its people's latest ratings."""

    item: str
    supplier: float | None
    customer: float | None
    supplier_people: int
    customer_people: int

    @property
    def gap(self) -> float | None:
        """The customer's rating minus the supplier's (negative: the customer sees it
        worse than we do); None unless both sides rated."""
        if self.supplier is None or self.customer is None:
            return None
        return round(self.customer - self.supplier, 2)

    @property
    def wide(self) -> bool:
        return self.gap is not None and abs(self.gap) >= WIDE_GAP

    @property
    def label(self) -> str:
        return ITEM_LABELS[self.item]

    def sentence(self) -> str:
        if self.gap is None:
            if self.supplier is None and self.customer is None:
                template = gettext_noop("{item}: neither side has rated it yet.")
            elif self.customer is None:
                template = gettext_noop("{item}: the customer has not rated it yet.")
            else:
                template = gettext_noop("{item}: your side has not rated it yet.")
            return template.format(item=self.label)
        if abs(self.gap) < 0.05:
            return gettext_noop("{item}: both sides rate it the same ({value}).").format(
                item=self.label, value=f"{self.customer:.1f}"
            )
        template = (
            gettext_noop(
                "{item}: the customer rates it {gap} lower than your side ({customer} against "
                "{supplier})."
            )
            if self.gap < 0
            else gettext_noop(
                "{item}: the customer rates it {gap} higher than your side ({customer} against "
                "{supplier})."
            )
        )
        return template.format(
            item=self.label,
            gap=f"{abs(self.gap):.1f}",
            customer=f"{self.customer:.1f}",
            supplier=f"{self.supplier:.1f}",
        )


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def current_gaps(ratings: Iterable[Rating], today: dt.date, max_age_days: int = 365) -> list[Gap]:
    """Per item, each side's mean of its people's latest rating of that item made on or
    before ``today`` and at most ``max_age_days`` old."""
    oldest = today - dt.timedelta(days=max_age_days)
    latest: dict[tuple[str, str, int], tuple[dt.date, int]] = {}
    for r in ratings:
        if not oldest <= r.on <= today:
            continue
        for item, value in r.values.items():
            if value is None or item not in ITEMS:
                continue
            key = (item, r.side, r.person)
            if key not in latest or r.on >= latest[key][0]:
                latest[key] = (r.on, value)
    by_side: dict[tuple[str, str], list[float]] = defaultdict(list)
    for (item, side, _), (_, value) in latest.items():
        by_side[item, side].append(value)
    return [
        Gap(
            item,
            _mean(by_side.get((item, "supplier"), [])),
            _mean(by_side.get((item, "customer"), [])),
            len(by_side.get((item, "supplier"), [])),
            len(by_side.get((item, "customer"), [])),
        )
        for item in ITEMS
    ]


def monthly_means(
    ratings: Iterable[Rating], first: dt.date, last: dt.date
) -> dict[str, dict[str, list[tuple[dt.date, float | None]]]]:
    """Per item and side, the mean rating of each calendar month from ``first`` to
    ``last`` (the month's first day; None for a month without ratings)."""
    months: list[dt.date] = []
    m = first.replace(day=1)
    while m <= last:
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    sums: dict[tuple[str, str, dt.date], list[float]] = defaultdict(list)
    for r in ratings:
        month = r.on.replace(day=1)
        if not months or not months[0] <= month <= months[-1]:
            continue
        for item, value in r.values.items():
            if value is not None and item in ITEMS:
                sums[item, r.side, month].append(value)
    return {
        item: {
            side: [(month, _mean(sums.get((item, side, month), []))) for month in months]
            for side in ("supplier", "customer")
        }
        for item in ITEMS
    }


@dataclass(frozen=True)
class PhaseViews:
    """Each side's phase self-identification as of one day it changed."""

    on: dt.date
    supplier: str | None
    customer: str | None

    @property
    def differ(self) -> bool:
        return (
            self.supplier is not None
            and self.customer is not None
            and (self.supplier != self.customer)
        )


def phase_views(statements: Iterable[PhaseStatement]) -> list[PhaseViews]:
    """The two sides' self-identifications over time, one entry per day either view
    changed (oldest first; on a day with several statements of one side the later one
    counts; a statement repeating a side's view adds nothing)."""
    views: dict[str, str | None] = {"supplier_self": None, "customer_self": None}
    by_day: dict[dt.date, PhaseViews] = {}
    for s in sorted(
        (s for s in statements if s.source in views), key=lambda s: s.on
    ):  # sorted() is stable: same-day statements keep their recorded order
        views[s.source] = s.phase
        by_day[s.on] = PhaseViews(s.on, views["supplier_self"], views["customer_self"])
    out: list[PhaseViews] = []
    for day in sorted(by_day):
        v = by_day[day]
        if not out or (out[-1].supplier, out[-1].customer) != (v.supplier, v.customer):
            out.append(v)
    return out
