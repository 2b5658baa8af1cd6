"""The results of a diagnosis: plain, immutable values that every output format reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kamkit.core.i18n import gettext_noop

from .agreement import Agreement
from .model import Case, RelationshipQuality
from .scales import (
    DIMENSION_LABELS,
    integration_gap,
    level_of_alignment,
    level_of_differentiation,
    rank,
)


class Judgement(NamedTuple):
    """Whether a pair differs on one dimension, and why we think so (a named tuple: there
    are six per pair, tens of thousands in a large study)."""

    dimension: str
    differs: bool | None
    source: str
    """``analyst``, ``profile``, ``ratings`` or ``unknown``."""
    detail: str


def kam_units_without_partners(case: Case) -> tuple[str, ...]:
    """Top-level KAM units with no partner link recorded, neither their own nor one of
    their teams', in file order."""
    parents = {u.id: u.parent for u in case.units}
    covered: set[str] = set()
    for link in case.links:  # a unit with links covers its parents up the chain
        cur: str | None = link.kam
        while cur is not None and cur not in covered:
            covered.add(cur)
            cur = parents.get(cur)
    return tuple(
        u.id for u in case.units if u.kind == "kam" and u.parent is None and u.id not in covered
    )


SOURCE_NAMES = {
    "analyst": gettext_noop("analyst's marks"),
    "profile": gettext_noop("profiles"),
    "ratings": gettext_noop("rating means"),
}


@dataclass(frozen=True, slots=True)
class EvidenceConflict:
    """Two recorded sources that judge one dimension of one pair differently (SPEC §3
    step 2): the judgement ``used`` counts; ``other`` would have said the opposite."""

    kam: str
    partner: str
    dimension: str
    used: Judgement
    other: Judgement

    @property
    def message(self) -> str:
        template = (
            gettext_noop(
                "{dimension}: the {used} say it differs and count; the {other} would say it "
                "does not differ ({detail})"
            )
            if self.used.differs
            else gettext_noop(
                "{dimension}: the {used} say it does not differ and count; the {other} would "
                "say it differs ({detail})"
            )
        )
        return template.format(
            dimension=DIMENSION_LABELS[self.dimension].lower(),
            used=SOURCE_NAMES[self.used.source],
            other=SOURCE_NAMES[self.other.source],
            detail=self.other.detail,
        )


@dataclass(frozen=True, slots=True)
class Differentiation:
    """Step 2 for one pair; the counts and levels are computed once, from the judgements."""

    judgements: tuple[Judgement, ...]
    differs: tuple[str, ...] = field(init=False)
    unknown: tuple[str, ...] = field(init=False)
    count: int = field(init=False)
    level: str = field(init=False)
    highest_possible_level: str = field(init=False)
    """The level if every unknown dimension turned out to differ."""

    def __post_init__(self) -> None:
        differs = tuple(j.dimension for j in self.judgements if j.differs)
        unknown = tuple(j.dimension for j in self.judgements if j.differs is None)
        object.__setattr__(self, "differs", differs)
        object.__setattr__(self, "unknown", unknown)
        object.__setattr__(self, "count", len(differs))
        object.__setattr__(self, "level", level_of_differentiation(len(differs)))
        object.__setattr__(
            self, "highest_possible_level", level_of_differentiation(len(differs) + len(unknown))
        )

    @property
    def sources(self) -> dict[str, str]:
        return {j.dimension: j.source for j in self.judgements}


@dataclass(frozen=True, slots=True)
class AlignmentResult:
    """Step 3 for one pair."""

    practices: dict[str, str] | None
    practices_from: str | None
    """``link`` when the link records its practices, ``unit`` when they come from the KAM
    unit's repertoire, None when none are recorded."""
    score: int | None
    level: str | None
    source: str | None
    """``analyst`` when the analyst set the level, ``practices`` when it follows from the
    score, None when alignment is not recorded at all."""
    evidence: tuple[str, ...]

    @property
    def level_from_practices(self) -> str | None:
        return level_of_alignment(self.score) if self.score is not None else None


@dataclass(frozen=True, slots=True)
class Consistency:
    """How a pair's gap agrees with the recorded relationship quality."""

    status: str
    """``consistent``, ``inconsistent`` or ``unchecked``."""
    note: str


@dataclass(frozen=True, slots=True)
class Dyad:
    """The diagnosis of one KAM unit–partner pair."""

    kam: str
    partner: str
    kam_name: str
    partner_name: str
    flows: dict[str, str]
    requisite_integration: str | None
    differentiation: Differentiation
    alignment: AlignmentResult
    relationship_quality: RelationshipQuality | None
    consistency: Consistency
    conflicts: tuple[EvidenceConflict, ...] = ()
    """Dimensions on which another recorded source would judge differently."""

    gap_size: int | None = field(init=False)
    """``max(0, rank(differentiation) − rank(alignment))``; None without alignment."""
    gap: bool | None = field(init=False)
    gap_possible: bool = field(init=False)
    """No gap on what is known, but there would be one if the unknown dimensions differ."""

    def __post_init__(self) -> None:
        align = self.alignment.level
        if align is None:
            size, possible = None, False
        else:
            size = integration_gap(self.differentiation.level, align)
            possible = size == 0 and rank(self.differentiation.highest_possible_level) > rank(align)
        object.__setattr__(self, "gap_size", size)
        object.__setattr__(self, "gap", None if size is None else size > 0)
        object.__setattr__(self, "gap_possible", possible)


@dataclass(frozen=True, slots=True)
class UnitNetwork:
    """Step 1: a KAM unit's place in the internal network."""

    unit: str
    partners: tuple[str, ...]
    depends_on: tuple[str, ...]
    """Partners whose resources the KAM unit needs (``kam_depends`` or ``mutual``)."""
    depended_on_by: tuple[str, ...]
    """Partners that need the KAM unit (``partner_depends`` or ``mutual``)."""
    mutual: tuple[str, ...]
    flows: dict[str, dict[str, int]]
    """Per flow kind, how many links carry it at each level."""
    constraint: float | None
    effective_size: float | None
    teams: tuple[str, ...] = ()

    @property
    def degree(self) -> int:
        return len(self.partners)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What to do about one gap (or one possible gap), in words."""

    kam: str
    partner: str
    priority: int
    headline: str
    actions: tuple[str, ...]
    measures: tuple[Any, ...] = ()
    """The countermeasures that fit (``countermeasures.Suggestion``: measure, reason), each
    with its source."""


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The result of the four steps on one case."""

    case: Case
    dyads: tuple[Dyad, ...]
    networks: tuple[UnitNetwork, ...]
    recommendations: tuple[Recommendation, ...] = ()
    rating_means: dict[str, dict[str, float]] = field(default_factory=dict)
    agreement: Agreement | None = None
    """How far each unit's respondents agree (None when not computed)."""

    kam_units: tuple[str, ...] = field(init=False)
    """KAM units that have links, in the order of their first link, then the KAM units
    without partners (see ``without_partners``), in file order."""
    without_partners: tuple[str, ...] = field(init=False)
    """Top-level KAM units for which no partner link is recorded, neither their own nor
    one of their teams' (SPEC §3 step 4: they stay in every output, marked so)."""
    _by_kam: dict[str, tuple[Dyad, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_kam: dict[str, list[Dyad]] = {}
        for d in self.dyads:
            by_kam.setdefault(d.kam, []).append(d)
        lonely = kam_units_without_partners(self.case)
        object.__setattr__(self, "without_partners", lonely)
        object.__setattr__(self, "kam_units", (*by_kam, *lonely))
        object.__setattr__(self, "_by_kam", {k: tuple(v) for k, v in by_kam.items()})

    @property
    def conflicts(self) -> tuple[EvidenceConflict, ...]:
        """Every pair's conflicting evidence, in pair order."""
        return tuple(c for d in self.dyads for c in d.conflicts)

    def dyads_of(self, kam: str) -> tuple[Dyad, ...]:
        """The pairs of one KAM unit, in file order."""
        return self._by_kam.get(kam, ())

    def gaps(self) -> tuple[Dyad, ...]:
        return tuple(d for d in self.dyads if d.gap)
