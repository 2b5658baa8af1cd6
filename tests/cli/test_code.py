"""kamkit code: the coders' agreement of a REFI-QDA project, and its paragraphs added to a
case file as statements."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kamkit.cli import app
from kamkit.core.diagnosis import load_case
from tests.core.research.qdpx import INTERVIEW, project

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_agreement_per_code_with_the_disagreements(tmp_path):
    qdpx = tmp_path / "study.qdpx"
    qdpx.write_bytes(project())
    result = runner.invoke(app, ["code", "agreement", str(qdpx), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by = {a["target"]: a for a in data["agreement"]}
    assert by["time_orientation"]["kappa"] == 1.0
    assert by["structural_formalization"]["kappa"] == 0.5
    assert by["structural_formalization"]["disagreements"][0]["text"].startswith("We send them")
    assert data["unmapped_codes"] == ["Lunch"]
    mapped = tmp_path / "map.yaml"
    mapped.write_text("Lunch: orientation_toward_others\n")
    result = runner.invoke(
        app, ["code", "agreement", str(qdpx), "--map", str(mapped), "-f", "json"]
    )
    assert "orientation_toward_others" not in {
        a["target"] for a in json.loads(result.stdout)["agreement"]
    }
    assert json.loads(result.stdout)["codes"]["Lunch"] == "orientation_toward_others"


def test_statements_join_the_case_with_the_majority_s_dimensions(tmp_path):
    qdpx = tmp_path / "study.qdpx"
    qdpx.write_bytes(project())
    out = tmp_path / "case.yaml"
    published = ROOT / "examples" / "published-case.yaml"
    result = runner.invoke(
        app, ["code", "statements", str(qdpx), "--case", str(published), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    before = load_case(published)
    case = load_case(out)
    added = case.statements[len(before.statements) :]
    assert [s.respondent for s in added] == ["I2", "I2", "I7", "I7"]
    assert added[0].dimensions == ("structural_formalization",)
    assert added[1].dimensions == ("time_orientation",)
    assert added[2].dimensions == ()  # the coders disagreed: no majority
    assert added[0].unit == "kam1"


def test_a_transcript_of_unknown_speakers_needs_a_unit(tmp_path):
    transcript = tmp_path / "interview.txt"
    transcript.write_text(INTERVIEW.replace("I2:", "Anna:"))
    published = ROOT / "examples" / "published-case.yaml"
    out = tmp_path / "case.yaml"
    refused = runner.invoke(
        app, ["code", "statements", str(transcript), "--case", str(published), "-o", str(out)]
    )
    assert refused.exit_code == 2 and "Anna" in refused.stderr and not out.exists()
    done = runner.invoke(
        app,
        [
            "code",
            "statements",
            str(transcript),
            "--case",
            str(published),
            "--unit",
            "legal",
            "-o",
            str(out),
        ],
    )
    assert done.exit_code == 0, done.output
    added = load_case(out).statements[-4:]
    assert [s.unit for s in added[:2]] == ["legal", "legal"] and added[0].dimensions == ()
    assert [s.respondent for s in added[2:]] == ["I7", "I7"]


def test_one_coder_has_no_agreement(tmp_path):
    transcript = tmp_path / "interview.txt"
    transcript.write_text(INTERVIEW)
    result = runner.invoke(app, ["code", "agreement", str(transcript)])
    assert result.exit_code == 2 and "at least two coders" in result.stderr
