import datetime as dt

from kamkit.core.lifecycle.phases import PhaseStatement
from kamkit.core.perception import (
    Rating,
    current_gaps,
    monthly_means,
    phase_views,
)

D = dt.date


def _gap(gaps, item):
    return next(g for g in gaps if g.item == item)


def test_each_side_is_the_mean_of_its_peoples_latest_rating():
    ratings = [
        Rating(D(2026, 1, 5), "supplier", 1, {"communication": 6}),
        Rating(D(2026, 3, 5), "supplier", 1, {"communication": 5}),  # supersedes 6
        Rating(D(2026, 2, 5), "supplier", 2, {"communication": 7}),
        Rating(D(2026, 3, 1), "customer", 3, {"communication": 3, "trust": 4}),
    ]
    gaps = current_gaps(ratings, D(2026, 3, 31))
    comm = _gap(gaps, "communication")
    assert (comm.supplier, comm.customer) == (6.0, 3.0)
    assert (comm.supplier_people, comm.customer_people) == (2, 1)
    assert comm.gap == -3.0 and comm.wide
    assert "3.0 lower than your side" in comm.sentence()
    trust = _gap(gaps, "trust")
    assert trust.gap is None and not trust.wide
    assert "your side has not rated it" in trust.sentence()
    assert "neither side" in _gap(gaps, "co_creation").sentence()


def test_ratings_too_old_or_after_the_day_are_left_out():
    ratings = [
        Rating(D(2024, 1, 1), "supplier", 1, {"co_creation": 2}),
        Rating(D(2026, 4, 1), "customer", 2, {"co_creation": 7}),
    ]
    gaps = current_gaps(ratings, D(2026, 3, 31), max_age_days=365)
    assert _gap(gaps, "co_creation").supplier is None
    assert _gap(gaps, "co_creation").customer is None


def test_a_small_difference_is_not_wide():
    ratings = [
        Rating(D(2026, 3, 1), "supplier", 1, {"trust": 5}),
        Rating(D(2026, 3, 1), "customer", 2, {"trust": 4}),
        Rating(D(2026, 3, 2), "customer", 3, {"trust": 5}),
    ]
    trust = _gap(current_gaps(ratings, D(2026, 3, 31)), "trust")
    assert trust.gap == -0.5 and not trust.wide


def test_monthly_means_fill_every_month_and_leave_empty_months_empty():
    ratings = [
        Rating(D(2026, 1, 5), "customer", 1, {"communication": 4}),
        Rating(D(2026, 1, 20), "customer", 2, {"communication": 6}),
        Rating(D(2026, 3, 2), "supplier", 3, {"communication": 5}),
        Rating(D(2025, 6, 2), "supplier", 3, {"communication": 1}),  # before the range
    ]
    series = monthly_means(ratings, D(2026, 1, 15), D(2026, 3, 31))
    assert series["communication"]["customer"] == [
        (D(2026, 1, 1), 5.0),
        (D(2026, 2, 1), None),
        (D(2026, 3, 1), None),
    ]
    assert series["communication"]["supplier"][2] == (D(2026, 3, 1), 5.0)
    assert series["communication"]["supplier"][0] == (D(2026, 1, 1), None)


def test_phase_views_follow_each_side_and_flag_where_they_differ():
    views = phase_views(
        [
            PhaseStatement("build_up", "supplier_self", D(2026, 1, 1)),
            PhaseStatement("maturity", "decision", D(2026, 1, 2)),  # not a side's view
            PhaseStatement("build_up", "customer_self", D(2026, 2, 1)),
            PhaseStatement("build_up", "supplier_self", D(2026, 2, 15)),  # repeats: no entry
            PhaseStatement("maturity", "supplier_self", D(2026, 3, 1)),
            PhaseStatement("decline", "customer_self", D(2026, 3, 1)),
        ]
    )
    assert [(v.on, v.supplier, v.customer, v.differ) for v in views] == [
        (D(2026, 1, 1), "build_up", None, False),
        (D(2026, 2, 1), "build_up", "build_up", False),
        (D(2026, 3, 1), "maturity", "decline", True),
    ]
