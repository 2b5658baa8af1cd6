"""Rows of a CSV or XLSX file, streamed (issue 16).

CSV in the encodings CRM exports come in (UTF-8 with or without BOM, UTF-16 with BOM,
Windows-1252, Latin-1) and with any of the usual delimiters (``,`` ``;`` tab ``|``),
detected from the file's first kilobytes. XLSX: the first visible sheet, read in
openpyxl's read-only mode so a large file is never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"

csv.field_size_limit(16 * 1024 * 1024)  # a long description is a long field, not an error


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (exit status 2)."""


@dataclass
class Table:
    """A file's header and its rows as ``(row number, {column: value})``; the header is
    row 1, as a spreadsheet numbers it. Values are text, or a ``datetime`` from XLSX."""

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]


def detect_encoding(sample: bytes) -> str:
    """The text encoding of a CSV file from its first bytes: a byte-order mark decides;
    otherwise UTF-8 when the sample decodes as UTF-8, else Windows-1252 (what Excel
    writes on Western European Windows), else Latin-1, which reads any byte."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(text: str) -> str:
    """The delimiter of a CSV sample: the one of ``DELIMITERS`` the csv module's sniffer
    finds, else the one that occurs most in the header line."""
    try:
        return csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=first.count)


def _header(names: list[Any], path: Path) -> list[str]:
    header = [str(n).strip() if n is not None else "" for n in names]
    if not any(header):
        raise UnreadableFile(f"{path.name}: the first row (the header) is empty")
    return header


def read_csv(path: Path) -> Table:
    """A CSV file's header and streamed rows (see the module's docstring)."""
    try:
        with path.open("rb") as f:
            sample = f.read(SAMPLE_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"{path}: {exc.strerror or exc}") from None
    if not sample.strip():
        raise UnreadableFile(f"{path.name}: the file is empty")
    utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and sample.count(b"\x00") > len(sample) // 20:  # one NUL is a bad value
        raise UnreadableFile(f"{path.name}: not a text (CSV) file")
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(text)
    f = path.open(encoding=encoding, newline="")
    reader = csv.reader(f, delimiter=delimiter)
    try:
        header = _header(next(reader), path)
    except (UnicodeDecodeError, csv.Error) as exc:
        f.close()
        raise UnreadableFile(f"{path.name}: {exc}") from None

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        n = 1
        try:
            for values in reader:
                n += 1
                if not any(v.strip() for v in values):
                    continue
                yield n, dict(zip(header, values, strict=False))
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{path.name}: row {n + 1} is not {encoding} text; save the file as UTF-8"
            ) from None
        except csv.Error as exc:
            raise UnreadableFile(f"{path.name}: row {n + 1}: {exc}") from None
        finally:
            f.close()

    return Table(path, header, rows())


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path) -> Table:
    """An XLSX file's first visible sheet (Dynamics 365 hides a sheet of its own)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"{path.name}: not a readable XLSX file ({exc})") from None
    sheets = [s for s in book.worksheets if getattr(s, "sheet_state", "visible") == "visible"]
    if not sheets:
        raise UnreadableFile(f"{path.name}: the workbook has no visible sheet")
    sheet = sheets[0]
    cells = sheet.iter_rows(values_only=True)
    try:
        header = _header(list(next(cells)), path)
    except StopIteration:
        raise UnreadableFile(f"{path.name}: the sheet is empty") from None

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for n, values in enumerate(cells, start=2):
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield n, {h: _xlsx_value(v) for h, v in zip(header, values, strict=False)}
        finally:
            book.close()

    return Table(path, header, rows())


def read_table(path: Path) -> Table:
    """A CSV or XLSX file by its name's ending (``.xlsx``/``.xlsm`` are workbooks)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    return read_csv(path)
