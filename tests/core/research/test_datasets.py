"""Research data sets: the same numbers in every format, value labels where the format
holds them, a codebook beside each file, safe cells, and stable pseudonyms."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook

from kamkit.core.diagnosis import diagnose_path
from kamkit.core.research.datasets import (
    Dataset,
    Pseudonymiser,
    Variable,
    codes,
    pseudonymise,
    write,
)
from kamkit.core.research.diagnosis_data import Wave, pairs_dataset, responses_dataset

ROOT = Path(__file__).resolve().parents[3]
PHASES = codes(("exploration", "build_up", "maturity", "decline"))


def small() -> Dataset:
    return Dataset(
        name="panel",
        title="test panel",
        unit="account × month",
        variables=(
            Variable("account", "Account", "id", "test", pseudonym="account"),
            Variable("account_name", "Name", "name", "test"),
            Variable("note", "Note", "text", "test"),
            Variable("month", "Month", "string", "test"),
            Variable("on", "Day", "date", "test"),
            Variable("phase", "Phase", "category", "test", PHASES),
            Variable("index", "Index", "number", "test"),
        ),
        rows=[
            (7, '=HYPERLINK("http://evil")', "free text", "2026-01", dt.date(2026, 1, 31), 3, 61.5),
            (8, "Acme", None, "2026-01", dt.date(2026, 1, 31), None, None),
        ],
        about={"kamkit_version": "test", "settings": "x"},
    )


def test_stata_and_spss_files_keep_values_labels_and_missing(tmp_path):
    for fmt, read in (("dta", pyreadstat.read_dta), ("sav", pyreadstat.read_sav)):
        path, book = write(small(), fmt, tmp_path / f"panel.{fmt}")
        frame, meta = read(str(path))
        assert list(frame["phase"][:1]) == [3]
        assert frame["phase"].isna().tolist() == [False, True]
        assert meta.variable_value_labels["phase"][3] == "maturity"
        assert meta.column_names_to_labels["index"] == "Index"
        assert frame["on"][0].date() == dt.date(2026, 1, 31)
        assert "kamkit test" in meta.file_label
        assert book.name == "panel-codebook.csv"


def test_csv_neutralises_formulas_and_writes_the_codebook_beside_it(tmp_path):
    path, book = write(small(), "csv", tmp_path / "panel.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0][:2] == ["account", "account_name"]
    assert rows[1][1].startswith("'=")  # shown as text, never run as a formula
    assert rows[1][5] == "3" and rows[2][5] == ""
    codebook = list(csv.reader(book.open(encoding="utf-8")))
    phase = next(r for r in codebook if r and r[0] == "phase")
    assert phase[3] == "1 = exploration; 2 = build_up; 3 = maturity; 4 = decline"
    assert ["kamkit_version", "test"] in codebook


def test_xlsx_holds_data_codebook_and_about(tmp_path):
    path, book = write(small(), "xlsx", tmp_path / "panel.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["data", "codebook", "about"]
    assert wb["data"]["B2"].value.startswith("'=")
    assert book.name == "panel-codebook.xlsx"


def test_pseudonyms_are_stable_per_secret_and_names_and_text_are_dropped():
    one = pseudonymise(small(), Pseudonymiser(b"secret"))
    again = pseudonymise(small(), Pseudonymiser(b"secret"))
    other = pseudonymise(small(), Pseudonymiser(b"another"))
    names = [v.name for v in one.variables]
    assert "account_name" not in names and "note" not in names
    assert one.column("account") == again.column("account")
    assert one.column("account") != other.column("account")
    assert one.column("account")[0] != one.column("account")[1]
    assert one.column("account")[0] not in ("7", 7)
    assert one.about["pseudonymised"] is True
    assert one.about["dropped"] == "account_name, note"


def test_variable_names_and_categories_are_checked():
    with pytest.raises(ValueError, match="lower case"):
        Variable("Index", "x", "number", "test")
    with pytest.raises(ValueError, match="value labels"):
        Variable("phase", "x", "category", "test")


def test_the_pair_table_holds_every_pair_with_its_judgements():
    result = diagnose_path(ROOT / "examples" / "published-case.yaml")
    data = pairs_dataset([Wave("study", "2014", dt.date(2014, 1, 1), result)], {})
    assert len(data.rows) == len(result.dyads)
    gap = data.column("gap")
    assert gap == [None if d.gap is None else int(d.gap) for d in result.dyads]
    first = result.dyads[0]
    judged = {j.dimension: j for j in first.differentiation.judgements}
    source = data.column("source_sf")[0]
    labels = next(v for v in data.variables if v.name == "source_sf").values
    assert labels[source] == judged["structural_formalization"].source
    assert data.column("diff_count")[0] == first.differentiation.count


def test_the_response_table_has_a_row_per_rating():
    result = diagnose_path(ROOT / "examples" / "invented-nordlicht-2024.yaml")
    data = responses_dataset([Wave("study", "2024", None, result)], {})
    assert len(data.rows) == sum(
        len(next(r for r in result.case.respondents if r.id == x.respondent).units)
        for x in result.case.ratings
    )
    assert sorted(data.column("value")) == sorted(float(r.value) for r in result.case.ratings)
