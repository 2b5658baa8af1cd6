"""Two waves of the same firm: which gaps opened or closed, which levels moved (SPEC §3.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..i18n import gettext_noop
from .results import Diagnosis, Dyad
from .scales import rank


@dataclass(frozen=True, slots=True)
class DyadChange:
    """How one KAM unit–partner pair changed between two waves."""

    kam: str
    partner: str
    kam_name: str
    partner_name: str
    status: str
    """``opened``, ``closed``, ``persists``, ``none`` (no gap in either wave), ``added``
    or ``removed`` (the link exists in one wave only), ``first_assessed`` (the gap could
    be computed only in the new wave), ``no_longer_assessed`` (only in the old wave) or
    ``unknown`` (in neither)."""
    differentiation: tuple[str | None, str | None]
    alignment: tuple[str | None, str | None]
    gap_size: tuple[int | None, int | None]
    differs_added: tuple[str, ...] = ()
    differs_removed: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        """True when either level or the gap size changed."""
        return (
            self.differentiation[0] != self.differentiation[1]
            or self.alignment[0] != self.alignment[1]
            or self.gap_size[0] != self.gap_size[1]
        )

    @staticmethod
    def direction(old: str | None, new: str | None) -> str:
        """``up``, ``down``, ``same`` or ``n/a`` for a move on the ordinal scale."""
        if old is None or new is None:
            return "n/a"
        delta = rank(new) - rank(old)
        return "up" if delta > 0 else "down" if delta < 0 else "same"


@dataclass(frozen=True, slots=True)
class WaveComparison:
    """The comparison of an earlier and a later diagnosis of the same firm."""

    old: Diagnosis
    new: Diagnosis
    changes: tuple[DyadChange, ...]

    def with_status(self, status: str) -> tuple[DyadChange, ...]:
        return tuple(c for c in self.changes if c.status == status)


class PairSummary(NamedTuple):
    """What the comparison of waves needs of one pair: small enough to keep with every
    stored wave (a wave of 10,000 pairs need not be diagnosed again to compare it)."""

    kam: str
    partner: str
    kam_name: str
    partner_name: str
    differentiation: str
    differs: tuple[str, ...]
    alignment: str | None
    gap_size: int | None

    @property
    def gap(self) -> bool | None:
        return None if self.gap_size is None else self.gap_size > 0

    @classmethod
    def of(cls, d: Dyad) -> PairSummary:
        return cls(
            d.kam,
            d.partner,
            d.kam_name,
            d.partner_name,
            d.differentiation.level,
            d.differentiation.differs,
            d.alignment.level,
            d.gap_size,
        )

    @classmethod
    def from_row(cls, row: list) -> PairSummary:
        """From :meth:`as_row` (JSON keeps tuples as lists)."""
        kam, partner, kam_name, partner_name, diff, differs, align, size = row
        return cls(kam, partner, kam_name, partner_name, diff, tuple(differs), align, size)

    def as_row(self) -> list:
        return list(self)


def summarize(diagnosis: Diagnosis) -> tuple[PairSummary, ...]:
    """Every pair of a diagnosis, in its order, as :class:`PairSummary`."""
    return tuple(PairSummary.of(d) for d in diagnosis.dyads)


def _status(old: PairSummary | None, new: PairSummary | None) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if old.gap is None and new.gap is None:
        return "unknown"
    if old.gap is None:
        return "first_assessed"
    if new.gap is None:
        return "no_longer_assessed"
    if old.gap and new.gap:
        return "persists"
    if new.gap:
        return "opened"
    if old.gap:
        return "closed"
    return "none"


def compare_pairs(old: Sequence[PairSummary], new: Sequence[PairSummary]) -> tuple[DyadChange, ...]:
    """Match two waves' pairs by KAM unit and partner id and describe each change (the
    earlier wave's order, then the pairs new in the later one)."""
    old_by = {(d.kam, d.partner): d for d in old}
    new_by = {(d.kam, d.partner): d for d in new}
    keys = list(old_by) + [k for k in new_by if k not in old_by]
    changes = []
    for key in keys:
        o, n = old_by.get(key), new_by.get(key)
        ref = n or o
        assert ref is not None
        old_diffs = set(o.differs) if o else set()
        new_diffs = set(n.differs) if n else set()
        changes.append(
            DyadChange(
                kam=key[0],
                partner=key[1],
                kam_name=ref.kam_name,
                partner_name=ref.partner_name,
                status=_status(o, n),
                differentiation=(
                    o.differentiation if o else None,
                    n.differentiation if n else None,
                ),
                alignment=(o.alignment if o else None, n.alignment if n else None),
                gap_size=(o.gap_size if o else None, n.gap_size if n else None),
                differs_added=tuple(sorted(new_diffs - old_diffs)) if o and n else (),
                differs_removed=tuple(sorted(old_diffs - new_diffs)) if o and n else (),
            )
        )
    return tuple(changes)


def compare_waves(old: Diagnosis, new: Diagnosis) -> WaveComparison:
    """Match the two waves' pairs by KAM unit and partner id and describe each change."""
    return WaveComparison(old=old, new=new, changes=compare_pairs(summarize(old), summarize(new)))


FOLLOW_UP: dict[str, str] = {
    "closed": gettext_noop("the gap closed"),
    "persists": gettext_noop("the gap persists"),
    "opened": gettext_noop("no gap before, one now"),
    "none": gettext_noop("no gap in either wave"),
    "removed": gettext_noop("the pair is not in the next wave"),
    "added": gettext_noop("the pair is new in the next wave"),
    "first_assessed": gettext_noop("first assessed in the next wave"),
    "no_longer_assessed": gettext_noop("alignment not recorded in the next wave"),
    "unknown": gettext_noop("alignment recorded in neither wave"),
}
"""What the next wave says about an action's gap, by ``DyadChange.status`` (issue 18:
an action is checked at the next wave)."""
