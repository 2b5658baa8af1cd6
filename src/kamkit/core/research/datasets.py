"""Research data sets (issue 19, item 5): a table of variables with a codebook, written as
CSV, XLSX, Stata ``.dta`` or SPSS ``.sav`` with value labels, optionally pseudonymised.

A :class:`Dataset` is plain data: variables (name, label, kind, value labels, source) and
rows of values in variable order. Coded categories are stored as their integer codes in
every format, so an analysis reads the same numbers from any file; the labels travel as
value labels (Stata, SPSS) and in the codebook. Every data set carries the kamkit
version and the settings that produced it (``about``), written into the codebook and the
XLSX file's About sheet and as the file label of ``.dta``/``.sav``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kamkit.core.spreadsheet import row as safe_row

FORMATS = ("csv", "xlsx", "dta", "sav")
KINDS = ("number", "integer", "category", "string", "date", "id", "name", "text")
"""``category``: an integer code with value labels; ``string``: a short code kept as is
(an item id, a wave label); ``id``: an identifier, replaced by a stable pseudonym when
pseudonymised; ``name`` (a person's or unit's name) and ``text`` (free text) are dropped
when pseudonymised."""
DROPPED_WHEN_PSEUDONYMISED = ("name", "text")

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    """Lower case, letters, digits and _, at most 32 characters: valid in R, Stata, SPSS."""
    label: str
    kind: str
    source: str
    """Where the value comes from (a model field, a formula, a paper)."""
    values: dict[int, str] | None = None
    """Value labels of a category: code → label."""
    pseudonym: str | None = None
    """For an ``id``: the kind of thing it names (respondent, unit, account, person…);
    each kind gets its own pseudonyms."""

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"variable name {self.name!r}: lower case, at most 32 characters")
        if self.kind not in KINDS:
            raise ValueError(f"variable {self.name}: kind must be one of {', '.join(KINDS)}")
        if self.kind == "category" and not self.values:
            raise ValueError(f"variable {self.name}: a category needs value labels")


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    title: str
    unit: str
    """What one row is (e.g. "respondent × item")."""
    variables: tuple[Variable, ...]
    rows: list[tuple[Any, ...]]
    about: dict[str, Any] = field(default_factory=dict)
    """kamkit version, settings, what was selected: written with every file."""

    def __post_init__(self) -> None:
        names = [v.name for v in self.variables]
        if len(names) != len(set(names)):
            raise ValueError(f"data set {self.name}: a variable name is used twice")

    def column(self, name: str) -> list[Any]:
        i = [v.name for v in self.variables].index(name)
        return [r[i] for r in self.rows]


def codes(labels: Sequence[str], start: int = 1) -> dict[int, str]:
    """Value labels numbering ``labels`` from ``start``."""
    return {i: label for i, label in enumerate(labels, start)}


def code_of(values: dict[int, str], label: str | None) -> int | None:
    """The code of ``label`` in ``values`` (None for None)."""
    if label is None:
        return None
    for k, v in values.items():
        if v == label:
            return k
    raise KeyError(label)


class Pseudonymiser:
    """Stable pseudonyms: the same id of the same kind gets the same pseudonym in every
    export made with the same secret (HMAC-SHA-256, first 10 hex digits), so panels from
    several exports can be joined; without the secret the pseudonyms cannot be traced
    back to names."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("a pseudonymiser needs a secret")
        self._secret = secret

    def __call__(self, kind: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        digest = hmac.new(self._secret, f"{kind}\x00{value}".encode(), hashlib.sha256)
        return f"{kind[:1].upper()}{digest.hexdigest()[:10]}"


def pseudonymise(dataset: Dataset, pseudonym: Pseudonymiser) -> Dataset:
    """The data set with every ``id`` variable replaced by its pseudonym and every name
    and free text dropped; ``about`` records that it was done."""
    keep = [i for i, v in enumerate(dataset.variables) if v.kind not in DROPPED_WHEN_PSEUDONYMISED]
    variables = []
    for i in keep:
        v = dataset.variables[i]
        if v.kind == "id":
            v = replace(v, label=f"{v.label} (pseudonym)")
        variables.append(v)
    rows = []
    for r in dataset.rows:
        out = []
        for i in keep:
            v = dataset.variables[i]
            out.append(pseudonym(v.pseudonym or v.name, r[i]) if v.kind == "id" else r[i])
        rows.append(tuple(out))
    dropped = [v.name for v in dataset.variables if v.kind in DROPPED_WHEN_PSEUDONYMISED]
    about = {**dataset.about, "pseudonymised": True, "dropped": ", ".join(dropped)}
    return replace(dataset, variables=tuple(variables), rows=rows, about=about)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def codebook_rows(dataset: Dataset) -> list[list[Any]]:
    """One row per variable: name, label, kind, value labels, source."""
    rows = [["variable", "label", "kind", "values", "source"]]
    for v in dataset.variables:
        values = "; ".join(f"{k} = {label}" for k, label in (v.values or {}).items())
        rows.append([v.name, v.label, v.kind, values, v.source])
    return rows


def about_rows(dataset: Dataset) -> list[list[Any]]:
    rows = [["key", "value"], ["data set", dataset.name], ["title", dataset.title]]
    rows.append(["one row is", dataset.unit])
    rows.append(["rows", len(dataset.rows)])
    for k, v in dataset.about.items():
        rows.append([k, v if isinstance(v, str | int | float) else repr(v)])
    return rows


def _csv(rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for r in rows:
        writer.writerow(safe_row(_plain(x) for x in r))
    return buf.getvalue().encode("utf-8")


def _xlsx(sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(safe_row(_plain(x) for x in r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _frame(dataset: Dataset):
    import pandas as pd

    columns = {}
    for i, v in enumerate(dataset.variables):
        values = [r[i] for r in dataset.rows]
        if v.kind in ("number", "integer", "category"):
            columns[v.name] = pd.Series(
                [float("nan") if x is None else float(x) for x in values], dtype="float64"
            )
        elif v.kind == "date":
            columns[v.name] = pd.Series(
                [pd.NaT if x is None else pd.Timestamp(x) for x in values], dtype="datetime64[ns]"
            )
        else:
            columns[v.name] = pd.Series(["" if x is None else str(x) for x in values], dtype=object)
    return pd.DataFrame(columns)


def _stat(dataset: Dataset, fmt: str, path: Path) -> None:
    import pyreadstat

    frame = _frame(dataset)
    labels = {v.name: v.label[:80] for v in dataset.variables}
    value_labels = {
        v.name: {float(k): label for k, label in v.values.items()}
        for v in dataset.variables
        if v.values
    }
    file_label = f"{dataset.title} (kamkit {dataset.about.get('kamkit_version', '')})"[:80]
    if fmt == "dta":
        pyreadstat.write_dta(
            frame,
            str(path),
            file_label=file_label,
            column_labels=labels,
            variable_value_labels=value_labels,
        )
    else:
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=file_label,
            column_labels=labels,
            variable_value_labels=value_labels,
        )


def codebook_path(path: Path, fmt: str) -> Path:
    """Beside the data file: its stem + ``-codebook`` (XLSX for XLSX, else CSV)."""
    return path.with_name(f"{path.stem}-codebook.{'xlsx' if fmt == 'xlsx' else 'csv'}")


def _data_bytes(dataset: Dataset, fmt: str) -> bytes:
    header = [v.name for v in dataset.variables]
    if fmt == "csv":
        return _csv([header, *dataset.rows])
    if fmt == "xlsx":
        return _xlsx(
            [
                ("data", [header, *dataset.rows]),
                ("codebook", codebook_rows(dataset)),
                ("about", about_rows(dataset)),
            ]
        )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"data.{fmt}"
        _stat(dataset, fmt, path)
        return path.read_bytes()


def _codebook_bytes(dataset: Dataset, fmt: str) -> bytes:
    if fmt == "xlsx":
        return _xlsx([("codebook", codebook_rows(dataset)), ("about", about_rows(dataset))])
    return _csv([*codebook_rows(dataset), [], *about_rows(dataset)])


def files(dataset: Dataset, fmt: str, stem: str) -> list[tuple[str, bytes]]:
    """The data file and its codebook as (file name, content): ``STEM.FMT`` and
    ``STEM-codebook.csv`` (``.xlsx`` for XLSX; the workbook also holds it as a sheet)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    data = Path(f"{stem}.{fmt}")
    return [
        (data.name, _data_bytes(dataset, fmt)),
        (codebook_path(data, fmt).name, _codebook_bytes(dataset, fmt)),
    ]


def write(dataset: Dataset, fmt: str, path: Path) -> tuple[Path, Path]:
    """Write the data set to ``path`` and its codebook beside it; returns both paths."""
    (_, data), (book_name, book) = files(dataset, fmt, path.stem)
    path.write_bytes(data)
    book_path = path.with_name(book_name)
    book_path.write_bytes(book)
    return path, book_path
