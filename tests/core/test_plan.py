"""The account plan's rules: progress either way, the next review, the plan as a whole."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.core.plan import ObjectiveFacts, next_review, plan_progress, progress

DAY = dt.date(2026, 11, 28)


def facts(status="open", start=None, current=None, target=None, reviewed=None, every=90):
    return ObjectiveFacts(
        status, start, current, target, DAY - dt.timedelta(days=100), reviewed, every
    )


@pytest.mark.parametrize(
    ("start", "current", "target", "expected"),
    [
        (20, 30, 40, 0.5),  # half way up
        (20, 50, 40, 1.0),  # beyond the target: capped
        (20, 10, 40, 0.0),  # went backwards: 0
        (10, 7, 4, 0.5),  # a reduction (days to solve a problem): half way down
        (5, 5, 5, 1.0),  # keep a level: reached
        (5, 4, 5, 0.0),
        (None, 3, 5, None),
    ],
)
def test_progress_towards_a_target(start, current, target, expected):
    assert progress(start, current, target) == expected


def test_the_next_review_follows_the_cadence_from_the_last_one():
    assert next_review(facts()) == DAY - dt.timedelta(days=10)  # created 100 days ago
    assert next_review(facts(reviewed=DAY, every=30)) == DAY + dt.timedelta(days=30)
    assert next_review(facts(status="achieved")) is None


def test_the_plan_as_a_whole():
    summary = plan_progress(
        [
            facts(start=0, current=5, target=10),  # 0.5, review due
            facts(status="achieved"),  # counts 1
            facts(status="dropped", start=0, current=0, target=10),  # left out
            facts(reviewed=DAY),  # no numbers; not due
        ],
        DAY,
    )
    assert summary.objectives == 3 and summary.open == 2 and summary.achieved == 1
    assert summary.progress == pytest.approx(0.75)
    assert summary.reviews_due == 1
    assert plan_progress([], DAY).progress is None
