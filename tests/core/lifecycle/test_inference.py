"""The inferred phase (SPEC §2.2): each rule, its boundaries and the reasons in words."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.core.lifecycle import AssessmentConfig, PhaseFacts, infer_phase
from kamkit.core.lifecycle.inference import PendingChange, revenue_trend, stabilise

TODAY = dt.date(2026, 11, 1)


def months_ago(m: float) -> dt.date:
    return TODAY - dt.timedelta(days=round(m * 30.44))


def facts(age: float | None = 24, last=10, prev=10, rev=(), realized=1, recent=0, pairs=5):
    return PhaseFacts(
        relationship_start=months_ago(age) if age is not None else None,
        interactions_last_90=last,
        interactions_prev_90=prev,
        revenue=tuple(rev),
        realized_ever=realized,
        realized_recent=recent,
        pairs_ever=pairs,
    )


def test_decline_on_falling_activity_says_by_how_much():
    got = infer_phase(facts(last=11, prev=19), TODAY)  # 19 before, a change of 8: it counts
    assert got.phase == "decline"
    assert "activity −42 % vs previous 90 days" in got.reasons
    assert got.activity_trend == pytest.approx(-8 / 19)


@pytest.mark.parametrize(
    ("kwargs", "phase"),
    [
        ({"last": 14, "prev": 20}, "decline"),  # exactly −30 %
        ({"last": 16, "prev": 20}, "maturity"),  # −20 %: not enough
        ({"rev": [(2024, 100.0), (2025, 90.0)]}, "decline"),  # exactly −10 %
        ({"rev": [(2024, 100.0), (2025, 91.0)]}, "maturity"),
        ({"age": 11.5, "last": 10, "prev": 20}, "maturity"),  # too young to decline
        ({"age": 12.1, "last": 10, "prev": 20}, "decline"),
        ({"age": 5.5}, "exploration"),
        ({"age": 6.1}, "maturity"),
        ({"realized": 0, "pairs": 1}, "exploration"),
        ({"realized": 0, "pairs": 2}, "maturity"),
        ({"last": 24, "prev": 20}, "build_up"),  # exactly +20 %
        ({"last": 8, "prev": 12}, "decline"),  # 12 before and a change of 4: it counts
        ({"last": 9, "prev": 11}, "maturity"),  # −18 %, but 11 before: too little
        ({"last": 16, "prev": 12}, "build_up"),  # +33 %, a change of 4
        ({"last": 15, "prev": 12}, "maturity"),  # +25 %, but a change of 3
        ({"rev": [(2024, 100.0), (2025, 110.0)]}, "build_up"),  # exactly +10 %
        ({"age": 30, "recent": 1}, "build_up"),
        ({"age": 40, "recent": 1}, "maturity"),  # realized, but no longer young
    ],
)
def test_each_rule_and_its_boundary(kwargs, phase):
    assert infer_phase(facts(**kwargs), TODAY).phase == phase


def test_rules_apply_in_order_decline_first():
    # young-ish with a realized initiative (build-up) but revenue falling: decline wins
    got = infer_phase(facts(age=20, recent=1, rev=[(2024, 100.0), (2025, 80.0)]), TODAY)
    assert got.phase == "decline"
    assert "revenue −20 % (2025 vs 2024)" in got.reasons


def test_age_from_the_first_interaction_when_no_start_is_recorded():
    f = PhaseFacts(first_interaction=months_ago(3), interactions_last_90=4)
    got = infer_phase(f, TODAY)
    assert got.phase == "exploration" and got.age_months == pytest.approx(3, abs=0.1)


def test_no_start_and_no_interactions_gives_no_phase():
    got = infer_phase(PhaseFacts(), TODAY)
    assert got.phase is None and got.reasons


def test_revenue_trend_uses_complete_years_only():
    rev = ((2024, 100.0), (2025, 120.0), (2026, 10.0))  # 2026 is the running year
    assert revenue_trend(rev, TODAY) == (pytest.approx(0.2), 2025)
    assert revenue_trend(((2025, 1.0),), TODAY) is None
    assert revenue_trend(((2024, 0.0), (2025, 5.0)), TODAY) is None


def test_thresholds_come_from_the_configuration():
    strict = AssessmentConfig.from_mapping({"decline_activity_trend": -0.10})
    assert infer_phase(facts(last=16, prev=20), TODAY, strict).phase == "decline"
    keen = AssessmentConfig.from_mapping({"activity_min_previous": 5, "activity_min_change": 1})
    assert infer_phase(facts(last=7, prev=10), TODAY, keen).phase == "decline"


@pytest.mark.parametrize("last", [13, 7])
def test_a_ten_year_account_keeps_its_phase_on_a_small_swing(last):
    """Issue 14: 10 → 13 or 10 → 7 interactions in a quarter (±30 %) is too little
    evidence to call build-up or decline; the reasons say so."""
    got = infer_phase(facts(age=120, last=last, prev=10), TODAY)
    assert got.phase == "maturity"
    assert any(f"activity 10 → {last} interactions" in r and "too little" in r for r in got.reasons)


@pytest.mark.parametrize(("last", "phase"), [(26, "build_up"), (13, "decline")])
def test_a_sustained_change_still_moves_it(last, phase):
    assert infer_phase(facts(age=120, last=last, prev=20), TODAY).phase == phase


def test_unknown_or_bad_settings_are_named():
    with pytest.raises(ValueError, match="unknown assessment setting 'basline'"):
        AssessmentConfig.from_mapping({"basline": 40})
    with pytest.raises(ValueError, match=r"roles\.decline\.problem_solving"):
        AssessmentConfig.from_mapping({"roles": {"decline": {"problem_solving": "hero"}}})
    with pytest.raises(ValueError, match="baseline"):
        AssessmentConfig.from_mapping({"baseline": 100})
    with pytest.raises(ValueError, match=r"'window_days' must be a whole number, got 90\.5"):
        AssessmentConfig.from_mapping({"window_days": 90.5})


def test_a_fractional_setting_keeps_its_fraction():
    """A setting whose default is whole (baseline 50) must not be truncated when the firm
    sets a fraction; a whole number given as 60.0 for a day count is accepted."""
    config = AssessmentConfig.from_mapping({"baseline": 47.5, "window_days": 60.0})
    assert config.baseline == 47.5
    assert config.window_days == 60 and isinstance(config.window_days, int)


def _run(days_and_last: list[tuple[int, int]], config: AssessmentConfig | None = None):
    """A ten-year mature account assessed on the given days (since TODAY), each with the
    given interactions in the last 90 days against 20 before; returns the inferred phase
    after each assessment, carrying the pending change from one to the next as the web
    app stores it."""
    config = config or AssessmentConfig()
    current, pending, out = "maturity", None, []
    for day, last in days_and_last:
        today = TODAY + dt.timedelta(days=day)
        got = stabilise(
            infer_phase(facts(age=120, last=last, prev=20), today, config),
            current,
            pending,
            today,
            config,
        )
        current, pending = got.phase, got.pending
        out.append(got)
    return out


def test_a_new_rule_must_hold_on_two_assessments_30_days_apart():
    """SPEC §2.2 (stability): 20 → 13 interactions says decline; the inferred phase stays
    maturity, with the change pending, until the rule still holds 30 days later."""
    first, again, held = _run([(0, 13), (29, 13), (30, 13)])
    assert (first.phase, first.rule_phase) == ("maturity", "decline")
    assert first.pending == PendingChange("decline", TODAY)
    assert any("pending since 2026-11-01" in r for r in first.reasons)
    assert any("on or after 2026-12-01" in r for r in first.reasons)
    assert again.phase == "maturity" and again.pending == PendingChange("decline", TODAY)
    assert held.phase == "decline" and held.pending is None
    assert any("since 2026-11-01" in r for r in held.reasons)


def test_an_interrupted_change_starts_again():
    """A rule that lapses in between is not 'held': the wait starts again."""
    runs = _run([(0, 13), (15, 20), (31, 13), (45, 13), (61, 13)])
    assert [r.phase for r in runs] == ["maturity"] * 4 + ["decline"]
    assert runs[1].pending is None
    assert runs[2].pending == PendingChange("decline", TODAY + dt.timedelta(days=31))


def test_a_pending_change_to_another_phase_starts_its_own_wait():
    runs = _run([(0, 13), (31, 26)])  # decline pending, then the rules say build-up
    assert runs[1].phase == "maturity"
    assert runs[1].pending == PendingChange("build_up", TODAY + dt.timedelta(days=31))


def test_the_first_inference_and_a_zero_wait_decide_at_once():
    got = stabilise(infer_phase(facts(age=120, last=13, prev=20), TODAY), None, None, TODAY)
    assert got.phase == "decline" and got.pending is None
    (now,) = _run([(0, 13)], AssessmentConfig.from_mapping({"phase_change_min_days": 0}))
    assert now.phase == "decline"
