"""The kamkit command line: formats, files, exit codes and located errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kamkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = str(ROOT / "examples" / "published-case.yaml")
WAVE1 = str(ROOT / "examples" / "invented-nordlicht-2024.yaml")
WAVE2 = str(ROOT / "examples" / "invented-nordlicht-2025.yaml")

runner = CliRunner()


def test_table_output_shows_both_matrices():
    result = runner.invoke(app, ["diagnose", PUBLISHED])
    assert result.exit_code == 0, result.output
    assert "KAM unit 1: differentiation, alignment and integration gaps (4 gaps)" in result.stdout
    assert "KAM unit 2: differentiation, alignment and integration gaps (3 gaps)" in result.stdout


def test_json_to_stdout_and_options_before_the_case():
    result = runner.invoke(app, ["diagnose", "--format", "json", PUBLISHED])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert sum(d["gap"] for d in data["dyads"]) == 7


def test_output_file_for_each_format(tmp_path):
    for fmt in ("markdown", "csv", "xlsx", "json", "html", "latex", "table"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(app, ["diagnose", PUBLISHED, "-f", fmt, "-o", str(out)])
        assert result.exit_code == 0, (fmt, result.output)
        assert out.stat().st_size > 500
    assert (tmp_path / "report.xlsx").read_bytes()[:2] == b"PK"
    assert "Legal" in (tmp_path / "report.table").read_text()


def test_invalid_case_exits_2_with_located_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path(PUBLISHED)
        .read_text()
        .replace("alignment: {level: rather low}", "alignment: {level: so-so}", 1)
    )
    result = runner.invoke(app, ["diagnose", str(bad), "-f", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{bad}:")
    line = int(first.split(":")[1])
    assert "so-so" in bad.read_text().splitlines()[line - 1]
    assert "alignment.level: 'so-so' is not an alignment level" in first
    assert "Traceback" not in result.output


def test_unknown_format_is_a_usage_error():
    result = runner.invoke(app, ["diagnose", PUBLISHED, "-f", "pdf"])
    assert result.exit_code == 2
    assert "pdf" in result.output


def test_compare_two_waves():
    result = runner.invoke(app, ["diagnose", "compare", WAVE1, WAVE2, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["closed"] == 1 and data["summary"]["opened"] == 1
    table = runner.invoke(app, ["diagnose", "compare", WAVE1, WAVE2])
    assert "closed" in table.stdout and "opened" in table.stdout


def test_compare_with_an_invalid_wave_exits_2(tmp_path):
    bad = tmp_path / "w.yaml"
    bad.write_text("kamkit_case: 1\ntitle: x\nunits: []\nlinks: []\n")
    result = runner.invoke(app, ["diagnose", "compare", WAVE1, str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:3: units:")


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("kamkit ")
