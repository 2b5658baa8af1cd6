"""Evidence from the key accounts on one KAM unit–partner pair (issue 18, item 4).

An integration gap matters when it reaches the customer. kamkit holds what shows it: the
key-account problems that involved the partner unit, how long they took to solve (days
from raised to deployed, the speed signal of SPEC §2.4) against the unit's other
problems, and the customers' ratings of joint problem solving (pulses, 1–7) on the
accounts with such problems against the unit's other accounts. This module compares
them; what counts as "slower" is a kamkit assumption (:data:`SLOWER_BY`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

SLOWER_BY = 1.25
"""Problems that involved the partner count as slower when their median time to a
deployed solution is at least this many times the others' (kamkit assumption: a quarter
longer, beyond the noise of a handful of problems)."""

MIN_PROBLEMS = 3
"""Fewer solved problems on either side and kamkit draws no conclusion (kamkit
assumption), though it shows the figures."""


@dataclass(frozen=True, slots=True)
class Side:
    """The problems of one side of the comparison and the ratings on its accounts."""

    problems: int
    still_open: int
    median_days: float | None
    """Median days from raised to a deployed solution, over the solved problems."""
    ratings: int
    mean_rating: float | None
    """Mean of the customers' problem-solving ratings (1–7)."""


@dataclass(frozen=True, slots=True)
class SpillOver:
    involved: Side
    """Problems that involved the partner; ratings on the accounts that had one."""
    others: Side
    """The unit's other problems; ratings on its other accounts."""

    @property
    def verdict(self) -> str:
        """``slower``, ``not slower`` or ``too few`` (see :data:`SLOWER_BY`)."""
        a, b = self.involved.median_days, self.others.median_days
        solved_a = self.involved.problems - self.involved.still_open
        solved_b = self.others.problems - self.others.still_open
        if a is None or b is None or min(solved_a, solved_b) < MIN_PROBLEMS:
            return "too few"
        if b == 0:
            return "slower" if a > 0 else "not slower"
        return "slower" if a / b >= SLOWER_BY else "not slower"


def _side(days: list[int | None], ratings: list[float]) -> Side:
    solved = [d for d in days if d is not None]
    return Side(
        problems=len(days),
        still_open=len(days) - len(solved),
        median_days=float(statistics.median(solved)) if solved else None,
        ratings=len(ratings),
        mean_rating=round(statistics.fmean(ratings), 2) if ratings else None,
    )


def spill_over(
    problems: Iterable[tuple[bool, int | None]], ratings: Iterable[tuple[bool, float]]
) -> SpillOver:
    """``problems``: per problem, whether it involved the partner and its days to a
    deployed solution (None while unsolved); ``ratings``: per rating, whether its account
    had a problem that involved the partner, and the rating."""
    days: dict[bool, list[int | None]] = {True: [], False: []}
    for involved, d in problems:
        days[involved].append(d)
    rated: dict[bool, list[float]] = {True: [], False: []}
    for involved, value in ratings:
        rated[involved].append(value)
    return SpillOver(_side(days[True], rated[True]), _side(days[False], rated[False]))
