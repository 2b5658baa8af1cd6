"""Text that is safe in a spreadsheet cell (CSV and XLSX exports).

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is
read as a formula by Excel, LibreOffice and openpyxl: an account named
``=HYPERLINK(…)`` would become a live link in the plan export (the OWASP "CSV
injection"). Such text gets a leading apostrophe, which spreadsheets show as text;
numbers (``-3.5``) stay numbers. Control characters, which XLSX cannot hold at all (one
in a name made the export fail), are removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def cell(value: Any) -> Any:
    """``value`` as a spreadsheet can hold it as text (non-text values unchanged)."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    if value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    """Every value of a row through ``cell``."""
    return [cell(v) for v in values]
