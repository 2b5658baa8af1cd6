"""Sub-scores and process scores (SPEC §2.4): every formula, its boundaries, and missing
data left out (never 0)."""

from __future__ import annotations

import dataclasses

import pytest

from kamkit.core.lifecycle import SUBSCORES, Signals, process_scores
from kamkit.core.lifecycle.config import AssessmentConfig
from kamkit.core.lifecycle.scores import (
    co_creation_subscores,
    communication_subscores,
    frequency_fit,
    perception,
    problem_solving_subscores,
    reciprocity,
    share_score,
)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(2, 100), (4, 100), (6, 100), (1, 50), (0, 0), (9, 50), (12, 0), (30, 0)],
)
def test_frequency_fit_inside_below_and_above_the_band(n, expected):
    assert frequency_fit(n, (2, 6)) == pytest.approx(expected)


def test_reciprocity_dialogue_and_content_shares():
    assert reciprocity(3, 6) == pytest.approx(50)
    assert reciprocity(6, 3) == pytest.approx(50)
    assert reciprocity(0, 4) == 0
    assert reciprocity(0, 0) is None
    assert share_score(3, 10, 0.30) == pytest.approx(100)  # exactly the target share
    assert share_score(1, 10, 0.30) == pytest.approx(100 / 3)
    assert share_score(9, 10, 0.25) == 100  # capped
    assert share_score(0, 0) is None


def test_perception_is_the_mean_of_the_sides_that_rated():
    assert perception({"supplier": 7, "customer": 4}) == pytest.approx(75)
    assert perception({"customer": 1}) == 0
    assert perception({}) is None


def test_communication_uses_the_customers_band_else_the_phases():
    # 9 interactions in 90 days = 3 per 30 days
    s = Signals(
        has_records=True,
        interactions=9,
        customer_initiated=3,
        supplier_initiated=6,
        two_way=6,
        strategic=2,
        formal=3,
        ratings={"communication": {"supplier": 6, "customer": 4}},
    )
    sub = communication_subscores(s, "build_up")
    assert sub["frequency_fit"] == pytest.approx(75)  # build-up band 4–12: 100·3/4
    assert sub["reciprocity"] == pytest.approx(50)
    assert sub["dialogue"] == pytest.approx(100 * 6 / 9)
    assert sub["strategic_content"] == pytest.approx(100 * (2 / 9) / 0.30)
    assert sub["routine"] == pytest.approx(100)  # 3/9 formal ≥ 25 %
    assert sub["perception"] == pytest.approx((5 / 6 + 3 / 6) / 2 * 100)
    assert communication_subscores(s, "maturity")["frequency_fit"] == 100  # 2–8
    # the customer's stated band wins over the phase's: 3 per 30 days against 4–5
    own = communication_subscores(dataclasses.replace(s, band=(4.0, 5.0)), "maturity")
    assert own["frequency_fit"] == pytest.approx(75)


def test_co_creation_formulas():
    s = Signals(
        has_records=True,
        initiatives_active=3,
        initiatives_active_bilateral=2,
        due_expected_value=200_000,
        due_realized_value=150_000,
        realized_value_customer=80_000,
        realized_value_supplier=20_000,
        pairs_recent=3,
        ratings={"co_creation": {"customer": 7}},
    )
    sub = co_creation_subscores(s)
    assert sub == pytest.approx(
        {
            "activity": 100,  # 50 per initiative, capped
            "bilateral_investment": 100 * 2 / 3,
            "realization": 75,
            "value_balance": 25,
            "relational_ties": 50,  # 3 of 6 pairs
            "perception": 100,
        }
    )
    over = co_creation_subscores(
        Signals(
            has_records=True, initiatives_active=1, due_expected_value=10, due_realized_value=30
        )
    )
    assert over["activity"] == 50 and over["realization"] == 100  # capped at 1


def test_problem_solving_formulas():
    s = Signals(
        has_records=True,
        problems_recent=4,
        problems_jointly_defined=3,
        days_to_deploy=(20, 60, 90),
        problems_open=2,
        problems_open_young=1,
        problems_closed=4,
        problems_closed_with_lessons=1,
    )
    sub = problem_solving_subscores(s)
    assert sub["joint_definition"] == pytest.approx(75)
    assert sub["speed"] == pytest.approx(50)  # median 60 days against 30
    assert sub["backlog"] == pytest.approx(50)
    assert sub["learning"] == pytest.approx(25)
    assert sub["perception"] is None
    fast = problem_solving_subscores(Signals(has_records=True, days_to_deploy=(10, 0)))
    assert fast["speed"] == 100
    # recent problems, none open: an empty backlog is the best backlog
    assert problem_solving_subscores(Signals(has_records=True, problems_recent=2))["backlog"] == 100


def test_missing_data_is_left_out_and_reported_as_coverage():
    only_counts = process_scores(Signals(has_records=True), "maturity")
    comm = only_counts["communication"]
    # no interactions at all: frequency fit 0 is a measurement; the shares have no data
    assert (comm.score, comm.signals, comm.of) == (0, 1, 6)
    co = only_counts["co_creation"]
    assert (co.score, co.signals, co.of) == (0, 2, 6)  # activity 0, ties 0
    ps = only_counts["problem_solving"]
    assert (ps.score, ps.signals, ps.of) == (None, 0, 5)
    # an account with no records: nothing is known, so there are no scores at all
    empty = process_scores(Signals(), "maturity")
    assert all(p.score is None and p.signals == 0 for p in empty.values())


def test_a_process_score_is_the_mean_of_the_signals_with_data():
    s = Signals(
        has_records=True,
        interactions=3,  # 1 per 30 days, maturity band 2–8 → 50
        customer_initiated=1,
        supplier_initiated=2,  # 50
        two_way=3,  # 100
        strategic=0,  # 0
        formal=0,  # 0
    )
    comm = process_scores(s, "maturity")["communication"]
    assert comm.score == pytest.approx((50 + 50 + 100 + 0 + 0) / 5)
    assert (comm.signals, comm.of) == (5, 6)


def test_every_subscore_key_of_the_spec_is_present_in_order():
    scores = process_scores(Signals(), None)
    assert {p: tuple(v.subscores) for p, v in scores.items()} == SUBSCORES


def test_configuration_changes_the_formulas_targets():
    config = AssessmentConfig.from_mapping(
        {"strategic_share_target": 0.5, "phase_bands": {"maturity": [1, 2]}}
    )
    s = Signals(has_records=True, interactions=9, strategic=3)
    sub = communication_subscores(s, "maturity", config)
    assert sub["strategic_content"] == pytest.approx(100 * (3 / 9) / 0.5)
    assert sub["frequency_fit"] == pytest.approx(50)  # 3 per 30 days, band 1–2: 1 − 1/2
