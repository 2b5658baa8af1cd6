"""The inferred lifecycle phase, with its reasons in words (SPEC §2.2, default rules).

1. ``decline`` if age ≥ 12 months and (revenue trend ≤ −10 % or activity trend ≤ −30 %);
2. ``exploration`` if age < 6 months, or no initiative was ever realized and fewer than 2
   distinct supplier–customer person pairs have ever interacted;
3. ``build_up`` if revenue trend ≥ +10 % or activity trend ≥ +20 %, or an initiative
   was realized in the last 180 days while age < 36 months;
4. ``maturity`` otherwise.

Age counts months since the relationship start (or the first interaction); the activity
trend compares interactions in the last 90 days with the 90 before; it counts only on
enough evidence: at least 12 interactions in the earlier window and a change of at least
4 (SPEC §2.2, stability; both configurable), so that 10 → 13 interactions in a quarter
moves no phase. The revenue trend compares the last full year on record with the year
before. A trend that cannot be computed, or does not count, satisfies no rule.

The rules give the phase the data point to on one day; ``stabilise`` turns that into the
inferred phase: it changes only when the rules have pointed to the new phase on two
assessments at least ``phase_change_min_days`` (30) days apart. Until then the previous
inferred phase stays and the reasons say that a change is pending (SPEC §2.2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from kamkit.core.i18n import gettext_noop

from .config import DEFAULT_CONFIG, AssessmentConfig


@dataclass(frozen=True, slots=True)
class PhaseFacts:
    """What inference looks at, for one account."""

    relationship_start: dt.date | None = None
    first_interaction: dt.date | None = None
    interactions_last_90: int = 0
    interactions_prev_90: int = 0
    revenue: tuple[tuple[int, float], ...] = ()
    """(year, revenue) pairs, any order."""
    realized_ever: int = 0
    realized_recent: int = 0
    """Initiatives realized within ``build_up_realized_days``."""
    pairs_ever: int = 0


@dataclass(frozen=True, slots=True)
class PendingChange:
    """The rules point to ``phase``, away from the inferred phase, since ``since``."""

    phase: str
    since: dt.date


@dataclass(frozen=True, slots=True)
class InferredPhase:
    phase: str | None
    reasons: tuple[str, ...]
    age_months: float | None = None
    activity_trend: float | None = None
    revenue_trend: float | None = None
    rule_phase: str | None = None
    """What the rules give on this day alone; differs from ``phase`` while a change is
    pending (``stabilise``). None on a result the rules gave directly."""
    pending: PendingChange | None = None


def months_between(start: dt.date, end: dt.date) -> float:
    """Whole and partial months (30.44 days each)."""
    return max(0.0, (end - start).days / 30.44)


def activity_trend(last: int, previous: int) -> float | None:
    """(last − previous)/previous; None when the previous window is empty."""
    return (last - previous) / previous if previous else None


def revenue_trend(
    revenue: tuple[tuple[int, float], ...], today: dt.date
) -> tuple[float, int] | None:
    """(trend, year) of the latest year before ``today``'s year against the year before
    it; None without both years or with a zero base."""
    by_year = dict(revenue)
    years = sorted(y for y in by_year if y < today.year)
    if not years or years[-1] - 1 not in by_year or not by_year[years[-1] - 1]:
        return None
    last = years[-1]
    return (by_year[last] - by_year[last - 1]) / abs(by_year[last - 1]), last


def _pct(x: float) -> str:
    return f"{x * 100:+.0f} %".replace("-", "−")


def infer_phase(
    facts: PhaseFacts, today: dt.date, config: AssessmentConfig = DEFAULT_CONFIG
) -> InferredPhase:
    """Apply the rules in order; the reasons say what decided it."""
    c = config
    start = facts.relationship_start or facts.first_interaction
    age = months_between(start, today) if start else None
    last, prev = facts.interactions_last_90, facts.interactions_prev_90
    act = activity_trend(last, prev)
    too_little = act is not None and (
        prev < c.activity_min_previous or abs(last - prev) < c.activity_min_change
    )
    rev_pair = revenue_trend(facts.revenue, today)
    rev = rev_pair[0] if rev_pair else None
    if age is None and not facts.interactions_last_90 and not facts.interactions_prev_90:
        return InferredPhase(
            None, (gettext_noop("no relationship start and no interactions recorded"),)
        )
    facts_said: list[str] = []
    age_text = (
        gettext_noop("relationship age {months} months").format(months=f"{age:.0f}")
        if age is not None
        else gettext_noop("age unknown")
    )
    if act is None:
        act_text = gettext_noop(
            "no interactions in the previous {days} days to compare with"
        ).format(days=c.window_days)
    elif too_little:
        act_text = gettext_noop(
            "activity {prev} → {last} interactions vs previous {days} days: too little to "
            "count as a trend (it needs {needed} before and a change of {change})"
        ).format(
            prev=prev,
            last=last,
            days=c.window_days,
            needed=c.activity_min_previous,
            change=c.activity_min_change,
        )
    else:
        act_text = gettext_noop("activity {trend} vs previous {days} days").format(
            trend=_pct(act), days=c.window_days
        )
    rev_text = (
        gettext_noop("revenue {trend} ({year} vs {year_before})").format(
            trend=_pct(rev), year=rev_pair[1], year_before=rev_pair[1] - 1
        )
        if rev_pair
        else gettext_noop("no revenue trend on record")
    )
    common = {"age_months": age, "activity_trend": act, "revenue_trend": rev}
    # an activity change too small to count is reported with every result, not counted
    note = (act_text,) if too_little else ()
    if too_little:
        act = None

    # 1. decline
    if age is not None and age >= c.decline_min_age_months:
        if rev is not None and rev <= c.decline_revenue_trend:
            facts_said.append(rev_text)
        if act is not None and act <= c.decline_activity_trend:
            facts_said.append(act_text)
        if facts_said:
            return InferredPhase("decline", (age_text, *facts_said, *note), **common)
    # 2. exploration
    if age is not None and age < c.exploration_max_age_months:
        return InferredPhase(
            "exploration",
            (
                gettext_noop("{age} (under {limit})").format(
                    age=age_text, limit=f"{c.exploration_max_age_months:g}"
                ),
                *note,
            ),
            **common,
        )
    if not facts.realized_ever and facts.pairs_ever < c.exploration_min_pairs:
        pairs = facts.pairs_ever
        return InferredPhase(
            "exploration",
            (
                gettext_noop("no initiative realized yet"),
                (
                    gettext_noop(
                        "{pairs} supplier–customer person pair has interacted (fewer than {limit})"
                    )
                    if pairs == 1
                    else gettext_noop(
                        "{pairs} supplier–customer person pairs have interacted "
                        "(fewer than {limit})"
                    )
                ).format(pairs=pairs, limit=c.exploration_min_pairs),
                *note,
            ),
            **common,
        )
    # 3. build-up
    if rev is not None and rev >= c.build_up_revenue_trend:
        facts_said.append(rev_text)
    if act is not None and act >= c.build_up_activity_trend:
        facts_said.append(act_text)
    young = age is None or age < c.build_up_max_age_months
    if facts.realized_recent and young:
        facts_said.append(
            gettext_noop("an initiative realized in the last {days} days at {age}").format(
                days=c.build_up_realized_days, age=age_text
            )
        )
    if facts_said:
        return InferredPhase("build_up", (*facts_said, *note), **common)
    # 4. maturity
    return InferredPhase("maturity", (age_text, act_text, rev_text), **common)


def stabilise(
    rule: InferredPhase,
    previous: str | None,
    pending: PendingChange | None,
    today: dt.date,
    config: AssessmentConfig = DEFAULT_CONFIG,
) -> InferredPhase:
    """The inferred phase after the stability rule (SPEC §2.2): ``previous`` is the
    inferred phase so far (None: none yet, the rules decide at once); ``pending`` the
    change the rules pointed to on earlier assessments, with the day they first did.

    The phase moves to the rules' phase when they have pointed to it since a day at
    least ``phase_change_min_days`` before ``today``; otherwise ``previous`` stays and the
    result carries the pending change (first seen today when it is new)."""
    rules_say = rule.phase
    if previous is None or rules_say is None or rules_say == previous:
        return replace(rule, rule_phase=rules_say, pending=None)
    since = pending.since if pending and pending.phase == rules_say else today
    since = min(since, today)
    wait = config.phase_change_min_days
    due = since + dt.timedelta(days=wait)
    if today >= due:
        held = (
            (
                gettext_noop("the rules have pointed to {phase} since {since}").format(
                    phase=_name(rules_say), since=since.isoformat()
                ),
            )
            if since < today
            else ()
        )
        return replace(rule, rule_phase=rules_say, pending=None, reasons=(*rule.reasons, *held))
    return replace(
        rule,
        phase=previous,
        rule_phase=rules_say,
        pending=PendingChange(rules_say, since),
        reasons=(
            gettext_noop(
                "still {phase}: a change of the inferred phase needs the rules to point the "
                "same way on two assessments at least {days} days apart"
            ).format(phase=_name(previous), days=wait),
            gettext_noop("change to {phase} pending since {since}, because: {reasons}").format(
                phase=_name(rules_say), since=since.isoformat(), reasons="; ".join(rule.reasons)
            ),
            gettext_noop(
                "it takes effect if the rules still point to {phase} on an assessment on or "
                "after {day}"
            ).format(phase=_name(rules_say), day=due.isoformat()),
        ),
    )


def _name(phase: str) -> str:
    return phase.replace("_", "-")
