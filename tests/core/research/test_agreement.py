"""Agreement statistics against published examples and hand-worked cases."""

from __future__ import annotations

import pytest

from kamkit.core.research.agreement import (
    cohen_kappa,
    icc,
    krippendorff_alpha,
    rwg,
    rwg_j,
    uniform_variance,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the reliability data
# of four observers on twelve units (section C, "nominal data, any number of observers,
# missing data"); he reports α = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval)
# and 0.797 (ratio) for it.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_alpha_matches_the_published_example(level, published):
    assert krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(published, abs=5e-4)


def test_alpha_is_undefined_without_variation_and_one_with_perfect_agreement():
    assert krippendorff_alpha([[1, 1, 1], [1, 1, 1]]) is None
    assert krippendorff_alpha([[1, None], [None, 0]]) is None  # nothing pairable
    assert krippendorff_alpha([[1, 0, 1, 0], [1, 0, 1, 0]]) == pytest.approx(1.0)


def test_cohen_kappa_of_the_textbook_table():
    # 50 units: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 (p_o 0.70, p_e 0.50)
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None  # chance agreement already perfect
    assert cohen_kappa([None], ["x"]) is None


def test_rwg_against_the_uniform_null():
    assert uniform_variance(7) == pytest.approx(4.0)  # (49 − 1) / 12
    # ratings 4, 5, 4, 5: s² = 1/3, rwg = 1 − (1/3)/4
    assert rwg([4, 5, 4, 5]) == pytest.approx(1 - (1 / 3) / 4)
    assert rwg([6, 6, 6]) == pytest.approx(1.0)
    assert rwg([1, 7, 1, 7]) == 0.0  # more spread than uniform: truncated to 0
    assert rwg([5]) is None


def test_rwg_j_grows_with_the_number_of_items():
    one = [[3, 4, 5]]  # s² = 1, ratio 1/4
    two = [[3, 4, 5], [2, 3, 4]]
    assert rwg_j(one) == pytest.approx(rwg([3, 4, 5]))
    assert rwg_j(two) == pytest.approx(2 * 0.75 / (2 * 0.75 + 0.25))
    assert rwg_j(two) > rwg_j(one)
    assert rwg_j([[4]]) is None


def test_icc_from_a_hand_worked_anova():
    # grand mean 3.5; SSB = 13.5 (df 1), SSW = 4 (df 4): MSB 13.5, MSW 1, k = 3
    icc1, icc2 = icc({"a": [1, 2, 3], "b": [4, 5, 6]})
    assert icc1 == pytest.approx(12.5 / 15.5)
    assert icc2 == pytest.approx(12.5 / 13.5)


def test_icc2_is_the_spearman_brown_step_up_of_icc1_for_equal_groups():
    groups = {"a": [2, 3, 3, 4], "b": [5, 6, 5, 7], "c": [3, 3, 4, 2]}
    icc1, icc2 = icc(groups)
    k = 4
    assert icc2 == pytest.approx(k * icc1 / (1 + (k - 1) * icc1))


def test_icc_needs_two_groups_and_variance_within():
    assert icc({"a": [1, 2, 3]}) == (None, None)
    assert icc({"a": [1], "b": [2]}) == (None, None)
    assert icc({"a": [4, 4], "b": [4, 4]}) == (None, None)  # no variance at all
