"""Agreement of a unit's respondents, beside the unit's rating means (issue 19).

A unit's mean on a dimension pools the ratings of its respondents and of its teams'
respondents (:func:`kamkit.core.diagnosis.steps.rating_means`). A mean hides whether
they agree: in the published case team 2a and team 2b of one KAM unit see it apart. So
each unit and dimension also gets ``rwg(j)`` over the same respondents (the dimension's
items as the ``J`` parallel items), and each dimension gets ``ICC(1)``/``ICC(2)`` across
the units respondents are assigned to directly (a team's respondents count for the
team, not again for its parent). Formulas and sources:
:mod:`kamkit.core.research.agreement`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kamkit.core.research.agreement import RWG_CUTOFF, icc, rwg_j

from .model import Case
from .scales import DIMENSIONS, RATING_MAX, RATING_MIN

RWG_SOURCE = "rwg(j): James, Demaree & Wolf (1984); cut-off 0.70: LeBreton & Senter (2008)"
ICC_SOURCE = "ICC(1), ICC(2): Bliese (2000), one-way ANOVA of respondents' means by unit"


@dataclass(frozen=True, slots=True)
class UnitAgreement:
    """How far one unit's respondents agree on one dimension."""

    unit: str
    dimension: str
    respondents: int
    items: int
    rwg: float | None
    flagged: bool
    """True when rwg is below the cut-off: the mean hides disagreement."""


@dataclass(frozen=True, slots=True)
class DimensionAgreement:
    """ICC(1) and ICC(2) of one dimension across the units."""

    dimension: str
    units: int
    respondents: int
    icc1: float | None
    icc2: float | None


@dataclass(frozen=True, slots=True)
class Agreement:
    """Within-unit agreement of a case's ratings; empty when the case has none."""

    units: tuple[UnitAgreement, ...]
    dimensions: tuple[DimensionAgreement, ...]
    cutoff: float
    options: int

    def of(self, unit: str) -> dict[str, UnitAgreement]:
        """One unit's agreement per dimension."""
        return {a.dimension: a for a in self.units if a.unit == unit}

    @property
    def flagged(self) -> tuple[UnitAgreement, ...]:
        return tuple(a for a in self.units if a.flagged)


def agreement(case: Case, cutoff: float = RWG_CUTOFF) -> Agreement:
    """Within-unit agreement (rwg(j) per unit and dimension, ICC per dimension)."""
    options = int(RATING_MAX - RATING_MIN) + 1
    if not case.ratings:
        return Agreement((), (), cutoff, options)
    direct = {r.id: r.units for r in case.respondents}
    parents = {u.id: u.parent for u in case.units}
    # per (unit incl. ancestors, dimension, item): respondent -> values
    cells: dict[tuple[str, str], dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    # per (dimension, directly assigned unit): respondent -> values (for ICC)
    by_unit: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for r in case.ratings:
        for uid in direct.get(r.respondent, ()):
            by_unit[r.dimension][uid][r.respondent].append(float(r.value))
            seen: set[str] = set()
            unit: str | None = uid
            while unit is not None and unit not in seen:
                seen.add(unit)
                cells[(unit, r.dimension)][r.item][r.respondent].append(float(r.value))
                unit = parents.get(unit)
    units = []
    for u in case.units:
        for dim in DIMENSIONS:
            items = cells.get((u.id, dim))
            if not items:
                continue
            # a respondent who rated an item twice counts with the mean of the two
            values = [[sum(v) / len(v) for v in per.values()] for per in items.values()]
            respondents = {resp for per in items.values() for resp in per}
            value = rwg_j(values, options)
            units.append(
                UnitAgreement(
                    unit=u.id,
                    dimension=dim,
                    respondents=len(respondents),
                    items=len(items),
                    rwg=value,
                    flagged=value is not None and value < cutoff,
                )
            )
    dims = []
    for dim in DIMENSIONS:
        groups = by_unit.get(dim)
        if not groups:
            continue
        means = {uid: [sum(v) / len(v) for v in per.values()] for uid, per in groups.items() if per}
        icc1, icc2 = icc(means)
        dims.append(
            DimensionAgreement(
                dimension=dim,
                units=len(means),
                respondents=sum(len(v) for v in means.values()),
                icc1=icc1,
                icc2=icc2,
            )
        )
    return Agreement(tuple(units), tuple(dims), cutoff, options)
