"""The typed case model of a diagnosis (SPEC §3.1): what a case file holds, validated.

Instances are built by :func:`kamkit.core.diagnosis.loader.load_case` (from YAML) or by a
caller directly (the web app, a notebook).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ProfileValue = str | tuple[str, ...] | float
"""A unit's value on one dimension: a category, a ranking (first is most important), or a
numeric rating mean on the 1–7 scale."""


@dataclass(frozen=True, slots=True)
class Unit:
    """An organisational unit: a KAM unit or team (``kam``), an internal partner
    (``partner``), or another unit that is part of the case but not of the network."""

    id: str
    name: str
    kind: str
    parent: str | None = None
    members: int | None = None
    age_years: float | None = None
    description: str | None = None
    practices: dict[str, str] | None = None
    """For a KAM unit: its repertoire of alignment practices, used for each of its links
    that records none of its own."""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Respondent:
    """An interview partner; ``units`` is usually one unit, sometimes several."""

    id: str
    units: tuple[str, ...]
    position: str | None = None
    tenure_years: float | None = None
    consent_on: str | None = None
    """The day (YYYY-MM-DD) the respondent agreed to the study's use of their answers."""


@dataclass(frozen=True, slots=True)
class Rating:
    """One respondent's rating (1–7) of one item that measures one dimension."""

    respondent: str
    item: str
    dimension: str
    value: float


@dataclass(frozen=True, slots=True)
class Statement:
    """A coded interview statement, attributed to a respondent or to a unit."""

    text: str
    dimensions: tuple[str, ...]
    respondent: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """What the analyst recorded about frame alignment on a link."""

    practices: dict[str, str] | None = None
    level: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RelationshipQuality:
    """The recorded quality of a KAM unit–partner relationship."""

    valence: str
    description: str


@dataclass(frozen=True, slots=True)
class Link:
    """A tie from a KAM unit to an internal partner (one dyad of the diagnosis)."""

    kam: str
    partner: str
    flows: dict[str, str] = field(default_factory=dict)
    requisite_integration: str | None = None
    differs: tuple[str, ...] | None = None
    """The analyst's complete judgement, or None to compute it from profiles/ratings."""
    alignment: Alignment | None = None
    relationship_quality: RelationshipQuality | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """Thresholds of the diagnosis, overridable per case file (``settings:``)."""

    rating_threshold: float = 1.0
    """Two units differ on a dimension when their rating means differ by at least this."""


@dataclass(frozen=True, slots=True)
class Case:
    """A validated case: a firm, its KAM units, their partners and what was observed."""

    title: str
    units: tuple[Unit, ...]
    links: tuple[Link, ...]
    firm: str | None = None
    period: tuple[str | None, str | None] = (None, None)
    wave: str | None = None
    description: str | None = None
    respondents: tuple[Respondent, ...] = ()
    profiles: dict[str, dict[str, ProfileValue]] = field(default_factory=dict)
    ratings: tuple[Rating, ...] = ()
    statements: tuple[Statement, ...] = ()
    settings: Settings = field(default_factory=Settings)
    source: str | None = None
    """Where the case came from (a file name), for messages."""

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id (KeyError if there is none)."""
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(unit_id)

    def unit_names(self) -> dict[str, str]:
        """Map of unit id to display name."""
        return {u.id: u.name for u in self.units}
