"""The fixed vocabularies and ordinal scales of the diagnosis (SPEC §3).

Every level used in a diagnosis sits on one ordinal scale so that differentiation and
alignment can be compared directly:

    none 0 < very low 1 < low 2 < rather low 3 < rather high 4 < high 5 < very high 6

Differentiation uses the whole scale (its rank is the number of differing dimensions);
alignment uses low 2 … high 5.
"""

from __future__ import annotations

from typing import Final

from kamkit.core.i18n import gettext_noop

DIMENSIONS: Final[tuple[str, ...]] = (
    "structural_formalization",
    "orientation_toward_others",
    "time_orientation",
    "goal_orientation",
    "linguistic_orientation",
    "motivational_orientation",
)
"""The six differentiation dimensions, in the order of the paper's tables."""

DIMENSION_LABELS: Final[dict[str, str]] = {
    "structural_formalization": gettext_noop("Structural formalization"),
    "orientation_toward_others": gettext_noop("Orientation toward others"),
    "time_orientation": gettext_noop("Time orientation"),
    "goal_orientation": gettext_noop("Goal orientation"),
    "linguistic_orientation": gettext_noop("Linguistic orientation"),
    "motivational_orientation": gettext_noop("Motivational orientation"),
}

LEVELS: Final[tuple[str, ...]] = (
    "none",
    "very low",
    "low",
    "rather low",
    "rather high",
    "high",
    "very high",
)
"""The common ordinal scale; a level's rank is its index."""

ALIGNMENT_LEVELS: Final[tuple[str, ...]] = ("low", "rather low", "rather high", "high")

PRACTICES: Final[tuple[str, ...]] = ("bridging", "amplification", "extension", "transformation")
"""The four frame alignment practices."""

PRACTICE_VALUES: Final[dict[str, int]] = {"absent": 0, "partial": 1, "substantial": 2}

FLOW_KINDS: Final[tuple[str, ...]] = ("asset", "information", "status")
FLOW_LEVELS: Final[dict[str, int]] = {"none": 0, "low": 1, "medium": 2, "high": 3}

REQUISITE_INTEGRATION: Final[tuple[str, ...]] = ("kam_depends", "partner_depends", "mutual")
REQUISITE_TEXT: Final[dict[str, str]] = {
    "kam_depends": gettext_noop("the KAM unit depends on the partner's resources"),
    "partner_depends": gettext_noop("the partner depends on the KAM unit"),
    "mutual": gettext_noop("they depend on each other"),
}
"""Each requisite integration in words (the report's network, a pair's page)."""

UNIT_KINDS: Final[tuple[str, ...]] = ("kam", "partner", "other")

RATING_MIN: Final[float] = 1.0
RATING_MAX: Final[float] = 7.0

QUALITY_VALENCES: Final[tuple[str, ...]] = ("positive", "mixed", "negative")
QUALITY_WORDS: Final[dict[str, str]] = {
    "excellent": "positive",
    "harmonic": "positive",
    "positive": "positive",
    "good": "positive",
    "cooperative": "positive",
    "trusting": "positive",
    "mixed": "mixed",
    "neutral": "mixed",
    "ambivalent": "mixed",
    "negative": "negative",
    "poor": "negative",
    "problematic": "negative",
    "conflict-laden": "negative",
    "tense": "negative",
    "misunderstandings": "negative",
    "competitive": "negative",
    "distrustful": "negative",
}
"""Words accepted as a link's `relationship_quality`, with the valence each stands for."""


def category_key(text: str) -> str:
    """The one normalisation of every categorical value (SPEC §3 step 2): case, surrounding
    whitespace and ``_``/``-``/space variants compare equal, so ``Long term``,
    ``long_term`` and ``long-term`` all give ``long term``. Used for single profile
    values, each entry of a ranked list and every fixed vocabulary of the case file."""
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def normalize_level(text: str) -> str:
    """Return a level name in its canonical spelling (``rather_low`` → ``rather low``)."""
    return category_key(text)


_RANK: Final[dict[str, int]] = {level: i for i, level in enumerate(LEVELS)}


def rank(level: str) -> int:
    """Rank of a level on the common ordinal scale (``none`` 0 … ``very high`` 6)."""
    found = _RANK.get(level)
    return found if found is not None else LEVELS.index(normalize_level(level))


def level_of_differentiation(count: int) -> str:
    """Level of differentiation from the number of differing dimensions (SPEC §3 step 2).

    0 → none, 1 → very low, 2 → low, 3 → rather low, 4 → rather high, 5 → high,
    6 → very high.
    """
    if not 0 <= count <= len(DIMENSIONS):
        raise ValueError(f"count of differing dimensions must be 0..6, got {count}")
    return LEVELS[count]


def alignment_score(practices: dict[str, str]) -> int:
    """Sum of the four practices, each absent 0, partial 1, substantial 2 (0..8)."""
    return sum(PRACTICE_VALUES[practices[p]] for p in PRACTICES)


def level_of_alignment(score: int) -> str:
    """Level of alignment from the practices' sum (SPEC §3 step 3).

    0–1 → low, 2–3 → rather low, 4–5 → rather high, 6–8 → high.
    """
    if not 0 <= score <= 2 * len(PRACTICES):
        raise ValueError(f"alignment score must be 0..8, got {score}")
    if score <= 1:
        return "low"
    if score <= 3:
        return "rather low"
    if score <= 5:
        return "rather high"
    return "high"


def integration_gap(differentiation_level: str, alignment_level: str) -> int:
    """Size of the integration gap (SPEC §3 step 4).

    ``max(0, rank(differentiation) − rank(alignment))``; a gap exists when it is > 0,
    i.e. when differentiation is higher than alignment on the common scale.
    """
    return max(0, rank(differentiation_level) - rank(alignment_level))
