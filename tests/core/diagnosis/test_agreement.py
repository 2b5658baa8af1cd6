"""Within-unit agreement beside the rating means: two teams that see their unit apart."""

from __future__ import annotations

import json

import pytest

from kamkit.core.diagnosis import diagnose
from kamkit.core.diagnosis.render import render

from .conftest import MINIMAL, make_case

TEAMS_APART = """\
kamkit_case: 1
title: Two teams apart
units:
  - {id: kam2, name: KAM 2, kind: kam}
  - {id: t2a, name: Team 2a, kind: kam, parent: kam2}
  - {id: t2b, name: Team 2b, kind: kam, parent: kam2}
  - {id: legal, name: Legal, kind: partner}
respondents:
  - {id: a1, unit: t2a}
  - {id: a2, unit: t2a}
  - {id: b1, unit: t2b}
  - {id: b2, unit: t2b}
  - {id: l1, unit: legal}
  - {id: l2, unit: legal}
ratings:
  - {respondent: a1, item: tf1, dimension: time_orientation, value: 1}
  - {respondent: a2, item: tf1, dimension: time_orientation, value: 2}
  - {respondent: b1, item: tf1, dimension: time_orientation, value: 7}
  - {respondent: b2, item: tf1, dimension: time_orientation, value: 6}
  - {respondent: l1, item: tf1, dimension: time_orientation, value: 4}
  - {respondent: l2, item: tf1, dimension: time_orientation, value: 4}
links:
  - {kam: kam2, partner: legal, alignment: {level: high}}
"""


def test_a_unit_whose_teams_disagree_is_flagged_and_its_teams_are_not():
    result = diagnose(make_case(TEAMS_APART))
    ag = result.agreement
    parent = ag.of("kam2")["time_orientation"]
    assert parent.respondents == 4
    assert parent.flagged  # 1, 2, 7, 6: s² = 9.67 > 4, rwg 0
    assert parent.rwg == 0.0
    for team in ("t2a", "t2b"):
        assert not ag.of(team)["time_orientation"].flagged
        assert ag.of(team)["time_orientation"].rwg == pytest.approx(1 - 0.5 / 4)
    assert {(a.unit, a.dimension) for a in ag.flagged} == {("kam2", "time_orientation")}
    # the mean 4.0 of kam2 alone would look like legal's 4.0: the ICC shows the units differ
    dim = {d.dimension: d for d in ag.dimensions}["time_orientation"]
    assert dim.units == 3 and dim.respondents == 6
    assert dim.icc1 > 0.5


def test_every_report_carries_the_flag_next_to_the_mean():
    result = diagnose(make_case(TEAMS_APART))
    data = json.loads(render(result, "json"))
    kam2 = next(u for u in data["units"] if u["id"] == "kam2")
    assert kam2["rating_means"]["time_orientation"] == 4.0
    assert kam2["agreement"]["time_orientation"]["flagged"] is True
    assert data["agreement"]["flagged"] == [{"unit": "kam2", "dimension": "time_orientation"}]
    assert "Bliese" in data["agreement"]["sources"]["icc"]
    markdown = render(result, "markdown")
    assert "mean 4.00 (rwg 0.00, n = 4, respondents disagree)" in markdown
    assert "mean 1.50 (rwg 0.88, n = 2)" in markdown


def test_a_case_without_ratings_has_no_agreement_figures():
    result = diagnose(make_case(MINIMAL))
    assert result.agreement.units == () and result.agreement.dimensions == ()
    assert "rwg" not in render(result, "markdown")
