"""SPEC §3 as updated by issue 14: exact thresholds, one normalisation of categories, a
blank ``differs:`` refused, KAM units without partners kept, conflicting evidence and
analyst-set alignment levels shown in every format."""

from __future__ import annotations

import io
import json

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from rich.console import Console

from kamkit.core.diagnosis import CaseFileError, diagnose
from kamkit.core.diagnosis.render import render, render_terminal
from kamkit.core.diagnosis.steps import judge_dimension

from .conftest import case_text, make_case

# ratings 1, 2, 2 (mean 5/3) against 2, 3, 3 (mean 8/3): exactly 1.0 apart
TIE = """\
kamkit_case: 1
title: Exact tie
units:
  - {id: kam1, name: KAM unit 1, kind: kam}
  - {id: kam3, name: KAM unit 3, kind: kam}
  - {id: legal, name: Legal, kind: partner}
respondents:
  - {id: a1, unit: kam1}
  - {id: a2, unit: kam1}
  - {id: a3, unit: kam1}
  - {id: b1, unit: legal}
  - {id: b2, unit: legal}
  - {id: b3, unit: legal}
ratings:
  - {respondent: a1, item: i1, dimension: time_orientation, value: 1}
  - {respondent: a2, item: i1, dimension: time_orientation, value: 2}
  - {respondent: a3, item: i1, dimension: time_orientation, value: 2}
  - {respondent: b1, item: i1, dimension: time_orientation, value: 2}
  - {respondent: b2, item: i1, dimension: time_orientation, value: 3}
  - {respondent: b3, item: i1, dimension: time_orientation, value: 3}
  - {respondent: a1, item: i2, dimension: structural_formalization, value: 2}
  - {respondent: b1, item: i2, dimension: structural_formalization, value: 6}
profiles:
  kam1: {goal_orientation: [Market, cost], orientation_toward_others: Long term,
         structural_formalization: low}
  legal: {goal_orientation: [market, risk], orientation_toward_others: long-term,
          structural_formalization: Low}
links:
  - kam: kam1
    partner: legal
    alignment: {level: low}
"""


def test_means_exactly_the_threshold_apart_differ():
    dyad = diagnose(make_case(TIE)).dyads[0]
    (time,) = [j for j in dyad.differentiation.judgements if j.dimension == "time_orientation"]
    assert (time.differs, time.source) == (True, "ratings")
    assert "1.67 vs 2.67 (|Δ| 1.00 ≥ 1)" in time.detail


def test_profile_means_compare_as_written_not_as_binary_floats():
    # 3.3 - 2.3 is 0.9999999999999996 in binary floating point
    j = judge_dimension("time_orientation", 3.3, 2.3, None, None, threshold=1.0)
    assert j.differs is True and "≥" in j.detail
    assert judge_dimension("time_orientation", 3.3, 2.31, None, None).differs is False
    # the threshold too: 0.3 between 0.1-apart-looking decimals
    assert judge_dimension("time_orientation", None, None, 2.4, 2.1, threshold=0.3).differs


def test_categories_and_every_ranking_entry_share_one_normalisation():
    dyad = diagnose(make_case(TIE)).dyads[0]
    judged = {j.dimension: j for j in dyad.differentiation.judgements}
    assert judged["goal_orientation"].differs is False  # [Market, cost] vs [market, risk]
    assert judged["orientation_toward_others"].differs is False  # Long term vs long-term
    for a, b in [("Long term", "long_term"), (" LONG-TERM ", "long term"), ("a_b-c", "A B C")]:
        assert judge_dimension("time_orientation", a, b, None, None).differs is False, (a, b)
    assert judge_dimension("time_orientation", "longterm", "long term", None, None).differs


def test_the_vocabularies_of_the_file_use_the_same_normalisation():
    case = make_case(
        TIE.replace("alignment: {level: low}", "alignment: {level: Rather_Low}")
        + "    requisite_integration: KAM-depends\n"
        + "    relationship_quality: Conflict laden\n"
    )
    link = case.links[0]
    assert link.alignment.level == "rather low"
    assert link.requisite_integration == "kam_depends"
    assert link.relationship_quality.valence == "negative"


def test_a_blank_differs_is_a_located_error_and_an_empty_list_is_a_judgement():
    blank = TIE.replace("    alignment: {level: low}", "    differs:\n    alignment: {level: low}")
    with pytest.raises(CaseFileError) as info:
        make_case(blank)
    (line,) = str(info.value).splitlines()
    assert line.startswith("case.yaml:31: links[kam1->legal].differs: has no value")
    empty = diagnose(
        make_case(
            TIE.replace(
                "    alignment: {level: low}", "    differs: []\n    alignment: {level: low}"
            )
        )
    )
    assert empty.dyads[0].differentiation.count == 0
    assert {j.source for j in empty.dyads[0].differentiation.judgements} == {"analyst"}


def _all_formats(diagnosis) -> dict[str, str]:
    out: dict[str, str] = {}
    for fmt in ("markdown", "csv", "json", "html", "latex"):
        out[fmt] = render(diagnosis, fmt)
    book = load_workbook(io.BytesIO(render(diagnosis, "xlsx")))
    out["xlsx"] = "\n".join(
        str(cell)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
    )
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(render_terminal(diagnosis))
    out["table"] = console.file.getvalue()
    return out


def test_a_kam_unit_without_partners_stays_in_every_output():
    diagnosis = diagnose(make_case(TIE))
    assert diagnosis.without_partners == ("kam3",)
    data = json.loads(render(diagnosis, "json"))
    assert data["summary"]["by_kam_unit"]["kam3"] == {
        "name": "KAM unit 3",
        "partners": 0,
        "gaps": 0,
        "gap_partners": [],
        "no_partners_recorded": True,
    }
    assert data["summary"]["kam_units_without_partners"] == ["kam3"]
    assert [n["unit"] for n in data["network"]] == ["kam1", "kam3"]
    for fmt, text in _all_formats(diagnosis).items():
        assert "KAM unit 3" in text, fmt
        if fmt != "json":  # there: no_partners_recorded, above
            assert "no internal partners recorded" in text, fmt
    picture = BeautifulSoup(render(diagnosis, "html"), "html.parser").find("svg")
    assert "KAM unit 3" in picture.get_text()


def test_a_team_with_links_keeps_its_parent_out_of_the_list():
    text = TIE.replace(
        "  - {id: kam3, name: KAM unit 3, kind: kam}",
        "  - {id: kam3, name: KAM unit 3, kind: kam}\n  - {id: t3, name: Team 3, kind: kam, parent: kam3}",
    ) + ("  - kam: t3\n    partner: legal\n    differs: []\n    alignment: {level: low}\n")
    assert diagnose(make_case(text)).without_partners == ()


CONFLICT = TIE.replace(
    "structural_formalization: low}", "structural_formalization: low, time_orientation: 3}"
).replace("structural_formalization: Low}", "structural_formalization: Low, time_orientation: 3}")


def test_conflicting_evidence_is_warned_per_pair_and_dimension_in_every_format():
    diagnosis = diagnose(make_case(CONFLICT))
    # the profiles say formalization is the same (low/Low); the ratings 2 vs 6 differ.
    # time orientation: profiles equal (3 vs 3), the rating means 5/3 vs 8/3 differ
    conflicts = {(c.dimension, c.used.source, c.other.source) for c in diagnosis.conflicts}
    assert conflicts == {
        ("structural_formalization", "profile", "ratings"),
        ("time_orientation", "profile", "ratings"),
    }
    data = json.loads(render(diagnosis, "json"))
    assert {w["dimension"] for w in data["warnings"]} == {
        "structural_formalization",
        "time_orientation",
    }
    assert sorted(data["dyads"][0]["conflicts"]) == sorted(w["dimension"] for w in data["warnings"])
    assert {
        (w["used"]["source"], w["other"]["source"], w["other"]["differs"]) for w in data["warnings"]
    } == {("profile", "ratings", True)}
    for fmt, text in _all_formats(diagnosis).items():
        if fmt != "json":  # there: the structured warnings above
            assert "the rating means would say it differs" in text, fmt


def test_analyst_marks_are_checked_against_the_recorded_sources_too():
    text = TIE.replace(
        "    alignment: {level: low}", "    differs: []\n    alignment: {level: low}"
    )
    diagnosis = diagnose(make_case(text))
    assert {(c.dimension, c.used.source) for c in diagnosis.conflicts} == {
        ("time_orientation", "analyst"),
        ("structural_formalization", "analyst"),
    }
    # the same marks without ratings or profiles to contradict them: no warning
    marked = text.replace("structural_formalization: low}", "}").replace(
        "structural_formalization: Low}", "}"
    )
    quiet = make_case(marked.split("ratings:")[0] + "links:" + marked.split("links:")[1])
    assert diagnose(quiet).conflicts == ()


def test_analyst_set_alignment_levels_are_marked_in_every_format():
    diagnosis = diagnose(make_case(TIE))
    assert diagnosis.dyads[0].alignment.source == "analyst"
    formats = _all_formats(diagnosis)
    for fmt in ("table", "markdown", "xlsx", "html"):
        assert "low†" in formats[fmt], fmt
        assert "† = alignment level set by the analyst" in formats[fmt], fmt
    assert r"low\textsuperscript{\dag}" in formats["latex"]
    assert "alignment level set by the analyst" in formats["latex"]
    assert "alignment level set by the analyst" in formats["csv"]
    assert json.loads(formats["json"])["dyads"][0]["alignment"]["source"] == "analyst"


def test_levels_from_the_practices_carry_no_mark():
    text = TIE.replace(
        "alignment: {level: low}",
        "alignment: {practices: {bridging: partial, amplification: absent, extension: absent,"
        " transformation: absent}}",
    )
    formats = _all_formats(diagnose(make_case(case_text(text))))
    for fmt in ("table", "markdown", "xlsx", "html", "latex"):
        assert "†" not in formats[fmt] and r"\dag" not in formats[fmt], fmt


def test_every_format_says_which_kamkit_and_which_threshold_made_it():
    from kamkit import __version__

    text = TIE.replace("units:", "settings: {rating_threshold: 1.5}\nunits:", 1)
    diagnosis = diagnose(make_case(text))
    formats = _all_formats(diagnosis)
    for fmt in ("table", "markdown", "latex", "html", "xlsx"):
        assert f"kamkit {__version__}" in formats[fmt] or __version__ in formats[fmt], fmt
        assert "rating_threshold 1.5" in formats[fmt] or "1.5" in formats[fmt], fmt
    data = json.loads(formats["json"])
    assert data["kamkit_version"] == __version__
    assert data["settings"] == {"rating_threshold": 1.5}
    # each rule applied says where it comes from: the paper, the SPEC or kamkit
    origins = data["provenance"]
    assert origins["levels_and_gap"].startswith("paper: Leischnig")
    assert origins["rating_threshold"].startswith("SPEC §3")
    assert origins["recommendations"].startswith("kamkit")
    header, first = formats["csv"].splitlines()[:2]
    row = dict(zip(header.split(","), first.split(","), strict=False))
    assert (row["kamkit_version"], row["rating_threshold"]) == (__version__, "1.5")


def test_spreadsheet_formats_hold_a_formula_like_unit_name_as_text():
    text = TIE.replace("name: Legal,", 'name: "=HYPERLINK(1)",')
    diagnosis = diagnose(make_case(text))
    _header, *rows = render(diagnosis, "csv").splitlines()
    assert any("'=HYPERLINK(1)" in r for r in rows)
    book = load_workbook(io.BytesIO(render(diagnosis, "xlsx")))
    cells = [c for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]  # no formula anywhere
    assert any(c.value == "'=HYPERLINK(1)" for c in cells)
