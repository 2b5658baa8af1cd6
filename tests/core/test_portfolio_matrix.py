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
