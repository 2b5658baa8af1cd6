"""The two level scales and the gap rule (SPEC §3 steps 2–4), every boundary."""

import pytest

from kamkit.core.diagnosis.scales import (
    LEVELS,
    alignment_score,
    integration_gap,
    level_of_alignment,
    level_of_differentiation,
    normalize_level,
    rank,
)


@pytest.mark.parametrize(
    ("count", "level"),
    [
        (0, "none"),
        (1, "very low"),
        (2, "low"),
        (3, "rather low"),
        (4, "rather high"),
        (5, "high"),
        (6, "very high"),
    ],
)
def test_level_of_differentiation_for_every_count(count, level):
    assert level_of_differentiation(count) == level
    assert rank(level) == count


@pytest.mark.parametrize("count", [-1, 7])
def test_level_of_differentiation_rejects_impossible_counts(count):
    with pytest.raises(ValueError, match=r"0\.\.6"):
        level_of_differentiation(count)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "low"),
        (1, "low"),
        (2, "rather low"),
        (3, "rather low"),
        (4, "rather high"),
        (5, "rather high"),
        (6, "high"),
        (7, "high"),
        (8, "high"),
    ],
)
def test_level_of_alignment_at_every_score(score, level):
    assert level_of_alignment(score) == level


@pytest.mark.parametrize("score", [-1, 9])
def test_level_of_alignment_rejects_impossible_scores(score):
    with pytest.raises(ValueError):
        level_of_alignment(score)


def test_alignment_levels_sit_on_the_common_scale_from_low_to_high():
    assert [rank(x) for x in ("low", "rather low", "rather high", "high")] == [2, 3, 4, 5]


def test_alignment_score_sums_the_four_practices():
    practices = {
        "bridging": "substantial",
        "amplification": "partial",
        "extension": "absent",
        "transformation": "partial",
    }
    assert alignment_score(practices) == 4


@pytest.mark.parametrize(
    ("differentiation", "alignment", "gap"),
    [
        ("very high", "low", 4),
        ("very high", "high", 1),
        ("high", "high", 0),
        ("rather high", "rather low", 1),
        ("rather low", "rather low", 0),
        ("rather low", "rather high", 0),
        ("none", "low", 0),
        ("low", "low", 0),
        ("rather low", "low", 1),
    ],
)
def test_integration_gap_is_differentiation_above_alignment(differentiation, alignment, gap):
    assert integration_gap(differentiation, alignment) == gap


def test_level_spellings_are_normalised():
    assert normalize_level("Rather_High") == "rather high"
    assert normalize_level("  very-high ") == "very high"
    assert LEVELS[rank("rather_low")] == "rather low"
