"""Steps 2–4: where each judgement comes from, alignment, gaps and the quality check."""

from __future__ import annotations

import pytest

from kamkit.core.diagnosis import diagnose
from kamkit.core.diagnosis.model import RelationshipQuality
from kamkit.core.diagnosis.steps import check_consistency, judge_dimension

from .conftest import make_case


def test_categories_differ_when_not_the_same():
    j = judge_dimension("structural_formalization", "low", "high", None, None)
    assert (j.differs, j.source) == (True, "profile")
    assert judge_dimension("structural_formalization", "low", "low", None, None).differs is False


def test_rankings_differ_only_on_the_first_ranked_value():
    same_top = judge_dimension(
        "goal_orientation", ("market", "tech"), ("market", "cost"), None, None
    )
    other_top = judge_dimension(
        "goal_orientation", ("market", "tech"), ("tech", "market"), None, None
    )
    assert same_top.differs is False
    assert other_top.differs is True


def test_a_category_compares_with_the_top_of_a_ranking():
    assert (
        judge_dimension("goal_orientation", "market", ("market", "x"), None, None).differs is False
    )


@pytest.mark.parametrize(
    ("a", "b", "differs"), [(3.0, 4.0, True), (3.0, 3.99, False), (5.5, 3.0, True)]
)
def test_numeric_profile_means_differ_from_the_threshold_on(a, b, differs):
    j = judge_dimension("time_orientation", a, b, None, None, threshold=1.0)
    assert j.differs is differs and j.source == "profile"


def test_ratings_decide_where_profiles_are_missing_and_threshold_is_configurable():
    j = judge_dimension("time_orientation", None, "short", 4.0, 5.5, threshold=1.0)
    assert (j.differs, j.source) == (True, "ratings")
    assert judge_dimension("time_orientation", None, None, 4.0, 5.5, threshold=2.0).differs is False


def test_nothing_known_is_unknown_and_says_for_whom():
    j = judge_dimension("time_orientation", "long", None, None, None)
    assert (j.differs, j.source) == (None, "unknown")
    assert "the partner" in j.detail and "the KAM unit" not in j.detail


def test_number_against_category_falls_back_to_ratings_then_unknown():
    assert judge_dimension("time_orientation", 3.0, "short", None, None).source == "unknown"
    assert judge_dimension("time_orientation", 3.0, "short", 2.0, 5.0).source == "ratings"


COMPUTED = """\
kamkit_case: 1
title: Computed
settings: {rating_threshold: 1.0}
units:
  - {id: kam, kind: kam, practices: {bridging: partial, amplification: partial, extension: absent, transformation: absent}}
  - {id: team, kind: kam, parent: kam}
  - {id: p, kind: partner}
  - {id: q, kind: partner}
respondents:
  - {id: K1, unit: kam}
  - {id: T1, unit: team}
  - {id: P1, unit: p}
profiles:
  kam: {structural_formalization: low, goal_orientation: [market, tech]}
  p: {structural_formalization: low, goal_orientation: [cost]}
ratings:
  - {respondent: K1, dimension: linguistic_orientation, value: 6}
  - {respondent: T1, dimension: linguistic_orientation, value: 4}
  - {respondent: P1, dimension: linguistic_orientation, value: 2}
links:
  - kam: kam
    partner: p
    alignment:
      practices: {bridging: substantial, amplification: substantial, extension: partial, transformation: absent}
  - kam: kam
    partner: q
"""


def test_computed_differentiation_reports_each_source():
    result = diagnose(make_case(COMPUTED))
    d = result.dyads_of("kam")[0]
    assert d.differentiation.sources == {
        "structural_formalization": "profile",
        "orientation_toward_others": "unknown",
        "time_orientation": "unknown",
        "goal_orientation": "profile",
        "linguistic_orientation": "ratings",
        "motivational_orientation": "unknown",
    }
    # kam's mean includes its team's respondent: (6 + 4) / 2 = 5 vs 2
    assert result.rating_means["kam"]["linguistic_orientation"] == 5.0
    assert d.differentiation.differs == ("goal_orientation", "linguistic_orientation")
    assert d.differentiation.level == "low"
    assert d.differentiation.unknown == (
        "orientation_toward_others",
        "time_orientation",
        "motivational_orientation",
    )


def test_alignment_from_link_practices_then_from_the_unit_repertoire():
    result = diagnose(make_case(COMPUTED))
    to_p, to_q = result.dyads_of("kam")
    assert (to_p.alignment.score, to_p.alignment.level, to_p.alignment.source) == (
        5,
        "rather high",
        "practices",
    )
    assert to_p.alignment.practices_from == "link"
    assert (to_q.alignment.score, to_q.alignment.level) == (2, "rather low")
    assert to_q.alignment.practices_from == "unit"


def test_unknown_dimensions_are_not_counted_but_flag_a_possible_gap():
    result = diagnose(make_case(COMPUTED))
    to_p, to_q = result.dyads_of("kam")
    assert to_p.gap is False and to_p.gap_possible is True  # low now; up to very high
    assert to_q.differentiation.count == 0 and to_q.gap is False and to_q.gap_possible is True
    assert {(r.kam, r.partner) for r in result.recommendations} == {("kam", "p"), ("kam", "q")}


def test_analyst_differs_is_the_complete_judgement_even_with_profiles():
    text = COMPUTED.replace(
        "  - kam: kam\n    partner: q\n", "  - kam: kam\n    partner: q\n    differs: []\n"
    )
    text = text.replace("    partner: p\n", "    partner: p\n    differs: [time_orientation]\n")
    d = diagnose(make_case(text)).dyads_of("kam")[0]
    assert d.differentiation.differs == ("time_orientation",)
    assert set(d.differentiation.sources.values()) == {"analyst"}
    assert d.differentiation.unknown == ()


def test_analyst_level_wins_over_practices_and_says_so():
    text = COMPUTED.replace(
        "transformation: absent}\n  - kam: kam",
        "transformation: absent}\n      level: low\n  - kam: kam",
    )
    d = diagnose(make_case(text)).dyads_of("kam")[0]
    assert (d.alignment.level, d.alignment.source, d.alignment.score) == ("low", "analyst", 5)
    assert d.alignment.level_from_practices == "rather high"


def test_no_alignment_recorded_means_no_gap_computed():
    text = COMPUTED.replace(
        "  - {id: kam, kind: kam, practices: {bridging: partial, amplification: partial, extension: absent, transformation: absent}}",
        "  - {id: kam, kind: kam}",
    )
    to_q = diagnose(make_case(text)).dyads_of("kam")[1]
    assert to_q.alignment.level is None and to_q.alignment.source is None
    assert to_q.gap is None and to_q.gap_size is None
    assert to_q.consistency.status == "unchecked"


def test_team_links_inherit_the_nearest_repertoire():
    text = COMPUTED + "  - {kam: team, partner: q}\n"
    team_q = diagnose(make_case(text)).dyads_of("team")[0]
    assert team_q.alignment.practices_from == "unit" and team_q.alignment.score == 2


POSITIVE = RelationshipQuality("positive", "harmonic")
NEGATIVE = RelationshipQuality("negative", "conflict-laden")
MIXED = RelationshipQuality("mixed", "mixed")


@pytest.mark.parametrize(
    ("gap", "size", "quality", "status"),
    [
        (True, 2, NEGATIVE, "consistent"),
        (False, 0, POSITIVE, "consistent"),
        (True, 1, POSITIVE, "inconsistent"),
        (False, 0, NEGATIVE, "inconsistent"),
        (True, 2, MIXED, "unchecked"),
        (None, None, NEGATIVE, "unchecked"),
        (True, 2, None, "unchecked"),
    ],
)
def test_consistency_of_gaps_with_relationship_quality(gap, size, quality, status):
    assert check_consistency(gap, size, quality).status == status


def test_recommendations_rank_larger_gaps_and_dependence_first_and_name_practices():
    text = """\
    kamkit_case: 1
    title: Ranking
    units:
      - {id: k, kind: kam}
      - {id: a, name: A, kind: partner}
      - {id: b, name: B, kind: partner}
      - {id: c, name: C, kind: partner}
    links:
      - kam: k
        partner: a
        differs: [time_orientation, goal_orientation, linguistic_orientation, structural_formalization]
        alignment: {practices: {bridging: substantial, amplification: absent, extension: absent, transformation: absent}}
      - kam: k
        partner: b
        requisite_integration: kam_depends
        differs: [time_orientation, goal_orientation, linguistic_orientation, structural_formalization]
        alignment: {practices: {bridging: partial, amplification: partial, extension: absent, transformation: absent}}
      - kam: k
        partner: c
        differs: [time_orientation, goal_orientation, linguistic_orientation, structural_formalization, motivational_orientation]
        alignment: {level: low}
    """
    result = diagnose(make_case(text))
    assert [(r.partner, r.priority) for r in result.recommendations] == [
        ("c", 1),
        ("b", 2),
        ("a", 3),
    ]
    rec_a = result.recommendations[2]
    assert "absent for this pair: amplification, extension, transformation" in rec_a.actions
    rec_c = result.recommendations[0]
    assert "3 levels" in rec_c.headline
    assert any("no alignment practices are recorded" in a for a in rec_c.actions)
    rec_b = result.recommendations[1]
    assert any("depends on this partner" in a for a in rec_b.actions)
