"""The results of a diagnosis: plain, immutable values that every output format reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Case, RelationshipQuality
from .scales import integration_gap, level_of_alignment, level_of_differentiation, rank


@dataclass(frozen=True, slots=True)
class Judgement:
    """Whether a pair differs on one dimension, and why we think so."""

    dimension: str
    differs: bool | None
    source: str
    """``analyst``, ``profile``, ``ratings`` or ``unknown``."""
    detail: str


@dataclass(frozen=True, slots=True)
class Differentiation:
    """Step 2 for one pair."""

    judgements: tuple[Judgement, ...]

    @property
    def differs(self) -> tuple[str, ...]:
        return tuple(j.dimension for j in self.judgements if j.differs)

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(j.dimension for j in self.judgements if j.differs is None)

    @property
    def count(self) -> int:
        return len(self.differs)

    @property
    def level(self) -> str:
        return level_of_differentiation(self.count)

    @property
    def highest_possible_level(self) -> str:
        """The level if every unknown dimension turned out to differ."""
        return level_of_differentiation(self.count + len(self.unknown))

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
    line: int | None = None

    @property
    def gap_size(self) -> int | None:
        """``max(0, rank(differentiation) − rank(alignment))``; None without alignment."""
        if self.alignment.level is None:
            return None
        return integration_gap(self.differentiation.level, self.alignment.level)

    @property
    def gap(self) -> bool | None:
        size = self.gap_size
        return None if size is None else size > 0

    @property
    def gap_possible(self) -> bool:
        """No gap on what is known, but there would be one if the unknown dimensions differ."""
        if self.alignment.level is None or self.gap:
            return False
        return rank(self.differentiation.highest_possible_level) > rank(self.alignment.level)


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


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The result of the four steps on one case."""

    case: Case
    dyads: tuple[Dyad, ...]
    networks: tuple[UnitNetwork, ...]
    recommendations: tuple[Recommendation, ...] = ()
    rating_means: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def kam_units(self) -> tuple[str, ...]:
        """KAM units that have links, in the order of their first link."""
        seen: dict[str, None] = {}
        for d in self.dyads:
            seen.setdefault(d.kam, None)
        return tuple(seen)

    def dyads_of(self, kam: str) -> tuple[Dyad, ...]:
        return tuple(d for d in self.dyads if d.kam == kam)

    def gaps(self) -> tuple[Dyad, ...]:
        return tuple(d for d in self.dyads if d.gap)
