"""The account plan's rules (issue 20): an objective's progress towards its measurable
target, when it is next reviewed, and the plan's progress as a whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

OBJECTIVE_STATUSES: dict[str, str] = {
    "open": "Open",
    "achieved": "Achieved",
    "missed": "Missed",
    "dropped": "Dropped",
}
REVIEW_EVERY_DAYS = 90
"""An objective is reviewed every quarter unless its plan says otherwise (kamkit
assumption: the quarterly account review KAM teams hold)."""
MAX_REVIEW_DAYS = 366


@dataclass(frozen=True)
class ObjectiveFacts:
    status: str
    start: float | None
    current: float | None
    target: float | None
    created_on: dt.date
    last_reviewed_on: dt.date | None
    review_every_days: int


def progress(start: float | None, current: float | None, target: float | None) -> float | None:
    """How far from ``start`` to ``target`` ``current`` has come, 0–1 (either direction:
    a target below the start is a reduction); None without the three numbers. A target
    equal to the start is reached (1) when current is at or beyond it."""
    if start is None or current is None or target is None:
        return None
    if target == start:
        return 1.0 if current == target else 0.0
    share = (current - start) / (target - start)
    return max(0.0, min(1.0, share))


def next_review(facts: ObjectiveFacts) -> dt.date | None:
    """When an open objective is due for review: a cadence after its last review (or its
    creation); None once it is closed."""
    if facts.status != "open":
        return None
    since = facts.last_reviewed_on or facts.created_on
    return since + dt.timedelta(days=facts.review_every_days)


@dataclass(frozen=True)
class PlanProgress:
    objectives: int
    open: int
    achieved: int
    progress: float | None
    """Mean progress of the open and achieved objectives with numbers (achieved counts
    1); None when none has numbers."""
    reviews_due: int


def plan_progress(objectives: Iterable[ObjectiveFacts], today: dt.date) -> PlanProgress:
    items = [o for o in objectives if o.status != "dropped"]
    shares = []
    for o in items:
        if o.status == "achieved":
            shares.append(1.0)
        elif o.status == "open" and (p := progress(o.start, o.current, o.target)) is not None:
            shares.append(p)
    due = sum(1 for o in items if (d := next_review(o)) is not None and d <= today)
    return PlanProgress(
        objectives=len(items),
        open=sum(1 for o in items if o.status == "open"),
        achieved=sum(1 for o in items if o.status == "achieved"),
        progress=sum(shares) / len(shares) if shares else None,
        reviews_due=due,
    )
