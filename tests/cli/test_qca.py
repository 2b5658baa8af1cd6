"""``kamkit qca``: a CSV in, the truth table, solution and necessity out (issue 21)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kamkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
LF = str(ROOT / "tests" / "core" / "qca_data" / "LF.csv")
CONDITIONS = "DEV,URB,LIT,IND,STB"
runner = CliRunner()


def test_the_parsimonious_solution_as_json_with_its_settings():
    result = runner.invoke(
        app,
        ["qca", LF, "--outcome", "SURV", "--conditions", CONDITIONS, "--solution",
         "parsimonious", "-f", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["settings"]["incl_cut"] == 0.8 and report["kamkit_version"]
    model = report["solution"]["models"][0]
    assert model["expression"] == "DEV*~IND + URB*STB"
    assert [t["cases"] for t in model["terms"]] == [["FI", "IE"], ["BE", "CZ", "NL", "UK"]]
    assert {r["out"] for r in report["truth_table"]} == {"0", "1"}


def test_the_negated_outcome_a_table_and_latex(tmp_path):
    result = runner.invoke(app, ["qca", LF, "--outcome", "~SURV", "--conditions", CONDITIONS])
    assert result.exit_code == 0, result.output
    assert "M1: ~DEV*~URB*~IND + DEV*LIT*IND*~STB -> ~SURV" in result.stdout
    out = tmp_path / "solution.tex"
    result = runner.invoke(
        app,
        ["qca", LF, "--outcome", "SURV", "--conditions", CONDITIONS, "--solution",
         "intermediate", "--dir-exp", CONDITIONS, "-f", "latex", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    tex = out.read_text()
    assert r"\begin{tabular}" in tex and r"DEV$\cdot$LIT$\cdot$${\sim}$IND$\cdot$STB" in tex


def test_raw_values_calibrated_on_the_command_line(tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_text(
        "country;GDP;SURV\nA;300;0\nB;900;1\nC;650;1\nD;400;0\nE;1000;1\n", encoding="utf-8"
    )
    result = runner.invoke(
        app,
        ["qca", str(raw), "--outcome", "SURV", "--conditions", "GDP", "--calibrate",
         "GDP=300,600,800", "-f", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["settings"]["calibrations"] == ["GDP: fuzzy, anchors 300, 600, 800"]
    assert report["solution"]["models"][0]["expression"] == "GDP"


def test_bad_input_names_what_is_wrong(tmp_path):
    result = runner.invoke(app, ["qca", LF, "--outcome", "SURV", "--conditions", "DEV,NOPE"])
    assert result.exit_code == 2 and "conditions: no column named 'NOPE'" in result.output
    result = runner.invoke(
        app, ["qca", LF, "--outcome", "SURV", "--conditions", "DEV", "--solution", "intermediate"]
    )
    assert result.exit_code == 2 and "dir_exp: the intermediate solution needs" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("case,A,Y\nx,0.5,oops\n", encoding="utf-8")
    result = runner.invoke(app, ["qca", str(bad), "--outcome", "Y", "--conditions", "A"])
    assert result.exit_code == 2 and "row 2, column 'Y'" in result.output
    result = runner.invoke(app, ["qca", str(tmp_path / "missing.csv"), "--outcome", "Y",
                                 "--conditions", "A"])  # fmt: skip
    assert result.exit_code == 2 and "cannot be read" in result.output


def test_a_diagnosis_case_s_pairs_as_cases():
    """``--case``: the pairs of a wave become the cases: their practices and the
    dimensions they differ on are the conditions, no gap (or a good relationship) the
    outcome; a pair without a recorded quality is left out of GOODREL, and counted."""
    case = str(ROOT / "examples" / "published-case.yaml")
    result = runner.invoke(
        app,
        ["qca", "--case", case, "--outcome", "NOGAP", "--conditions",
         "BRIDGING,AMPLIFICATION,GOAL_ORIENTATION", "-f", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["settings"]["cases"] == 13 and report["settings"]["cases_left_out"] == 0
    cases = {c for row in report["truth_table"] for c in row["cases"]}
    assert "kam1-legal" in cases and len(cases) == 13
    # kam1–legal has a gap and differs on goal orientation: its row says so
    row = next(r for r in report["truth_table"] if "kam1-legal" in r["cases"])
    assert row["configuration"]["GOAL_ORIENTATION"] == 1
    result = runner.invoke(
        app, ["qca", "--case", case, "--outcome", "GOODREL", "--conditions", "BRIDGING"]
    )
    assert result.exit_code == 0, result.output
    assert "left out: a value missing" in result.stdout
    # the flows are conditions too: KAM unit 2's high asset flows are a full membership,
    # and the pairs whose flows are not recorded are left out of an analysis using them
    result = runner.invoke(
        app, ["qca", "--case", case, "--outcome", "NOGAP", "--conditions", "ASSET", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    high = {
        c for r in report["truth_table"] if r["configuration"]["ASSET"] == 1 for c in r["cases"]
    }
    assert high and all(c.startswith("kam2-") for c in high)
    assert report["settings"]["cases"] + report["settings"]["cases_left_out"] == 13
    result = runner.invoke(app, ["qca", "--outcome", "Y", "--conditions", "A"])
    assert result.exit_code == 2 and "give DATA.csv, --case CASE.yaml or --cases" in result.output


def test_cases_from_the_database(firm):
    """``--cases pairs|accounts``: the page's cases from kamkit's database; the accounts'
    raw columns take the page's default anchors unless ``--calibrate`` names them."""
    result = runner.invoke(
        app,
        ["qca", "--cases", "pairs", "--outcome", "NOGAP", "--conditions",
         "TRANSFORMATION,TIME_ORIENTATION,GOAL_ORIENTATION", "-f", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["solution"]["models"][0]["expression"].startswith("TRANSFORMATION")
    result = runner.invoke(
        app,
        ["qca", "--cases", "accounts", "--outcome", "INDEX", "--conditions", "CC,CV",
         "--calibrate", "CC=10,40,70", "-f", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    calibrations = json.loads(result.stdout)["settings"]["calibrations"]
    assert "CC: fuzzy, anchors 10, 40, 70" in calibrations
    assert "INDEX: fuzzy, anchors 25, 50, 75" in calibrations  # the default
    assert {c.split(":")[0] for c in calibrations} == {"CC", "CV", "INDEX"}  # the used ones
    result = runner.invoke(
        app, ["qca", "--cases", "accounts", "--on", "1800-01-01", "--outcome", "INDEX",
              "--conditions", "CC"],
    )  # fmt: skip
    assert result.exit_code == 2 and "too early" in result.output
    result = runner.invoke(
        app, ["qca", "data.csv", "--cases", "pairs", "--outcome", "Y", "--conditions", "A"]
    )
    assert result.exit_code == 2 and "one of them" in result.output
