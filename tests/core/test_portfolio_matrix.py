"""The KAM portfolio matrix's quadrants and the index distribution's quartiles."""

from __future__ import annotations

import pytest

from kamkit.core.portfolio import quadrant, quartiles


@pytest.mark.parametrize(
    ("attractiveness", "index", "label"),
    [
        (4.0, 70.0, "Key strategic"),
        (4.0, 30.0, "Key development"),
        (1.0, 70.0, "Key status"),
        (1.0, 30.0, "Key streamline"),
        (2.5, 50.0, "Key strategic"),  # the middles count as high
    ],
)
def test_quadrants_by_attractiveness_and_strength(attractiveness, index, label):
    assert quadrant(attractiveness, index)[1] == label


def test_no_quadrant_without_both_axes():
    assert quadrant(None, 70.0) is None and quadrant(3.0, None) is None


def test_quartiles_by_hand():
    assert quartiles([]) is None
    assert quartiles([40.0]) == (40.0, 40.0, 40.0, 40.0, 40.0)
    # 10, 20, 30, 40, 50: inclusive quartiles 20, 30, 40
    assert quartiles([50.0, 10.0, 30.0, 20.0, 40.0]) == (10.0, 20.0, 30.0, 40.0, 50.0)


@pytest.mark.parametrize(
    ("earlier", "now", "fell"),
    [(70, 60, 10), (70, 60.5, None), (70, 75, None), (None, 40, None), (70, None, None)],
)
def test_an_index_fell_by_the_alert_s_points_or_more(earlier, now, fell):
    from kamkit.core.portfolio import ALERT_DROP_POINTS, index_fell

    assert ALERT_DROP_POINTS == 10.0  # the documented default
    assert index_fell(earlier, now) == fell


def test_a_firm_s_own_alert_points():
    from kamkit.core.portfolio import index_fell

    assert index_fell(70, 65, points=5) == 5
    assert index_fell(70, 66, points=5) is None


@pytest.mark.parametrize(
    ("days_ago", "days", "quiet"),
    [(None, None, True), (0, 0, False), (29, 29, False), (30, 30, True), (400, 400, True)],
)
def test_no_contact_for_a_month_or_ever(days_ago, days, quiet):
    import datetime as dt

    from kamkit.core.portfolio import NO_CONTACT_DAYS, contact_days, no_contact

    today = dt.date(2026, 11, 29)
    last = None if days_ago is None else today - dt.timedelta(days=days_ago)
    assert NO_CONTACT_DAYS == 30
    assert contact_days(last, today) == days
    assert no_contact(last, today) is quiet
    # a customer whose own band starts at 0 asked for no minimum: never "no contact";
    # any other minimum keeps the rule
    assert no_contact(last, today, customer_min=0) is False
    assert no_contact(last, today, customer_min=0.5) is quiet
    # a contact dated after today (a clock ahead, a time zone) is today's
    assert contact_days(today + dt.timedelta(days=1), today) == 0
