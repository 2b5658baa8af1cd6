"""Evidence from the key accounts (issue 18, item 4): the comparison of problems that
involved a partner with the others, and of the customers' ratings."""

from __future__ import annotations

from kamkit.core.diagnosis.spillover import MIN_PROBLEMS, SLOWER_BY, spill_over


def test_medians_counts_and_means_per_side():
    result = spill_over(
        [(True, 10), (True, 30), (True, None), (False, 5), (False, 7), (False, 9)],
        [(True, 3), (True, 4), (False, 6)],
    )
    assert (result.involved.problems, result.involved.still_open) == (3, 1)
    assert result.involved.median_days == 20.0 and result.others.median_days == 7.0
    assert (result.involved.mean_rating, result.involved.ratings) == (3.5, 2)
    assert result.others.mean_rating == 6.0
    assert result.verdict == "too few"  # two solved problems involved the partner


def test_slower_from_a_quarter_longer_with_enough_solved_problems():
    others = [(False, 20)] * MIN_PROBLEMS
    just = [(True, round(20 * SLOWER_BY))] * MIN_PROBLEMS  # 25 days against 20
    below = [(True, round(20 * SLOWER_BY) - 1)] * MIN_PROBLEMS
    assert spill_over(just + others, []).verdict == "slower"
    assert spill_over(below + others, []).verdict == "not slower"
    assert spill_over(others, []).verdict == "too few"  # none involved the partner
    assert spill_over([], []).involved.median_days is None
