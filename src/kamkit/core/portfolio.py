"""Key-account selection (SPEC §2.1): criteria scored 0–5 and weighted."""

from __future__ import annotations

from collections.abc import Mapping

SELECTION_CRITERIA: tuple[str, ...] = (
    "revenue_share",
    "growth_potential",
    "lead_user",
    "reputation",
    "market_access",
)
"""Revenue share, growth potential, and strategic importance (lead-user status,
reputation, market access)."""

DEFAULT_WEIGHTS: dict[str, float] = dict.fromkeys(SELECTION_CRITERIA, 1.0)


def selection_score(
    scores: Mapping[str, int | None], weights: Mapping[str, float] | None = None
) -> float | None:
    """Weighted mean of the scored criteria (0–5); criteria without a score are left out.

    None when no criterion is scored or the weights of the scored ones sum to zero.
    """
    weights = weights or DEFAULT_WEIGHTS
    num = den = 0.0
    for criterion in SELECTION_CRITERIA:
        score = scores.get(criterion)
        if score is None:
            continue
        w = float(weights.get(criterion, 1.0))
        num += w * score
        den += w
    return round(num / den, 2) if den > 0 else None
