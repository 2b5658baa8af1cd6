"""Sub-scores and process scores, 0–100 (SPEC §2.4).

The web layer counts an account's records with a few aggregate queries over the whole
portfolio and hands each account's counts in as :class:`Signals`; everything here is
arithmetic on those counts. A signal without data is ``None`` and is left out of its
process score, never counted as 0.

What counts as data (our reading, documented in docs/scores.md):

- Counts that are observations even when zero (interactions per 30 days, initiatives
  under way, person pairs) are data once the account has any relational record at all;
  before that nothing is known and the account has no scores.
- Shares and ratios are ``None`` when their denominator is empty (no interactions in the
  window, no active initiatives, no closed problems…).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from .config import DEFAULT_CONFIG, AssessmentConfig


@dataclass(frozen=True, slots=True)
class Signals:
    """One account's counts, measured at the assessment day (windows from the config)."""

    has_records: bool = False
    """Any interaction, initiative, problem or pulse at all."""
    # communication, in the recent window
    interactions: int = 0
    customer_initiated: int = 0
    supplier_initiated: int = 0
    two_way: int = 0
    strategic: int = 0
    formal: int = 0
    band: tuple[float, float] | None = None
    """The customer's ideal contacts per 30 days, when it stated one."""
    # co-creation
    initiatives_active: int = 0
    """Agreed or in delivery."""
    initiatives_active_bilateral: int = 0
    """Of those, with contributions (effort, money or know-how) from both sides."""
    due_expected_value: float = 0.0
    due_realized_value: float = 0.0
    """Value for both sides of initiatives due in the window: expected, and realized."""
    realized_value_customer: float = 0.0
    realized_value_supplier: float = 0.0
    """Realized value of realized initiatives, to each side."""
    pairs_recent: int = 0
    """Distinct supplier–customer person pairs that took part in one interaction."""
    # problem solving
    problems_recent: int = 0
    problems_jointly_defined: int = 0
    """Of the recent problems, those that reached jointly_defined with participants of
    both sides."""
    days_to_deploy: tuple[int, ...] = ()
    """Report-to-deployed days of the problems deployed in the window."""
    problems_open: int = 0
    problems_open_young: int = 0
    problems_closed: int = 0
    problems_closed_with_lessons: int = 0
    # perception: the latest rating (1–7) of each process by each side
    ratings: dict[str, dict[str, int]] = field(default_factory=dict)


def _pct(x: float) -> float:
    return 100.0 * x  # unrounded: the API rounds what it shows


def frequency_fit(per_30_days: float, band: tuple[float, float]) -> float:
    """Inside [lo, hi] → 100; below → 100·n/lo; above → max(0, 100·(1 − (n − hi)/hi))."""
    lo, hi = band
    if lo <= per_30_days <= hi:
        return 100.0
    if per_30_days < lo:
        return _pct(per_30_days / lo)
    return _pct(max(0.0, 1 - (per_30_days - hi) / hi))


def reciprocity(customer_initiated: int, supplier_initiated: int) -> float | None:
    """100·min(customer-, supplier-initiated)/max(…); None without interactions."""
    top = max(customer_initiated, supplier_initiated)
    return _pct(min(customer_initiated, supplier_initiated) / top) if top else None


def share_score(part: int, whole: int, target: float = 1.0) -> float | None:
    """min(100, 100·(part/whole)/target); None when ``whole`` is 0."""
    return _pct(min(1.0, part / whole / target)) if whole else None


def perception(ratings: dict[str, int]) -> float | None:
    """Mean over the sides that rated of (r − 1)/6·100."""
    values = [(r - 1) / 6 for r in ratings.values() if r is not None]
    return _pct(sum(values) / len(values)) if values else None


def communication_subscores(
    s: Signals, phase: str | None, config: AssessmentConfig = DEFAULT_CONFIG
) -> dict[str, float | None]:
    """Collaborative communication's six signals (SPEC §2.4)."""
    band = s.band or config.phase_bands.get(phase or "", config.phase_bands["maturity"])
    per_rate = s.interactions * config.rate_days / config.window_days
    return {
        "frequency_fit": frequency_fit(per_rate, band) if s.has_records else None,
        "reciprocity": reciprocity(s.customer_initiated, s.supplier_initiated),
        "dialogue": share_score(s.two_way, s.interactions),
        "strategic_content": share_score(
            s.strategic, s.interactions, config.strategic_share_target
        ),
        "routine": share_score(s.formal, s.interactions, config.formal_share_target),
        "perception": perception(s.ratings.get("communication", {})),
    }


def co_creation_subscores(
    s: Signals, config: AssessmentConfig = DEFAULT_CONFIG
) -> dict[str, float | None]:
    """Relational co-creation of value's six signals (SPEC §2.4)."""
    per_initiative = 100.0 / config.initiatives_for_full_activity
    value_top = max(s.realized_value_customer, s.realized_value_supplier)
    return {
        "activity": min(100.0, per_initiative * s.initiatives_active) if s.has_records else None,
        "bilateral_investment": share_score(s.initiatives_active_bilateral, s.initiatives_active),
        "realization": _pct(min(1.0, s.due_realized_value / s.due_expected_value))
        if s.due_expected_value > 0
        else None,
        "value_balance": _pct(min(s.realized_value_customer, s.realized_value_supplier) / value_top)
        if value_top > 0
        else None,
        "relational_ties": _pct(min(1.0, s.pairs_recent / config.pairs_for_full_ties))
        if s.has_records
        else None,
        "perception": perception(s.ratings.get("co_creation", {})),
    }


def problem_solving_subscores(
    s: Signals, config: AssessmentConfig = DEFAULT_CONFIG
) -> dict[str, float | None]:
    """Joint problem solving's five signals (SPEC §2.4). With recent problems but none
    open, the backlog is empty: 100."""
    speed = None
    if s.days_to_deploy:
        median = statistics.median(s.days_to_deploy)
        speed = 100.0 if median <= 0 else _pct(min(1.0, config.speed_target_days / median))
    if s.problems_open:
        backlog = share_score(s.problems_open_young, s.problems_open)
    else:
        backlog = 100.0 if s.problems_recent else None
    return {
        "joint_definition": share_score(s.problems_jointly_defined, s.problems_recent),
        "speed": speed,
        "backlog": backlog,
        "learning": share_score(s.problems_closed_with_lessons, s.problems_closed),
        "perception": perception(s.ratings.get("problem_solving", {})),
    }


@dataclass(frozen=True, slots=True)
class ProcessScore:
    """A process score with its coverage: the mean of the signals that have data."""

    score: float | None
    signals: int
    of: int
    subscores: dict[str, float | None]


def process_score(subscores: dict[str, float | None]) -> ProcessScore:
    """Mean of the sub-scores with data; None when none has."""
    present = [v for v in subscores.values() if v is not None]
    score = sum(present) / len(present) if present else None
    return ProcessScore(score, len(present), len(subscores), subscores)


def process_scores(
    s: Signals, phase: str | None, config: AssessmentConfig = DEFAULT_CONFIG
) -> dict[str, ProcessScore]:
    """The three process scores of an account."""
    return {
        "communication": process_score(communication_subscores(s, phase, config)),
        "co_creation": process_score(co_creation_subscores(s, config)),
        "problem_solving": process_score(problem_solving_subscores(s, config)),
    }
