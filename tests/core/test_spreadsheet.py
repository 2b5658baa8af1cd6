"""Spreadsheet-safe cells (issue 16's export bugs, fixed where every export writes)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from kamkit.core.spreadsheet import cell, row


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
        ("+49 30 1234", "'+49 30 1234"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-3.5", "-3.5"),  # a number stays a number
        ("Bell\x07 GmbH", "Bell GmbH"),
        ("Alpha Motors", "Alpha Motors"),
        (12.5, 12.5),
        (None, None),
    ],
)
def test_text_a_spreadsheet_holds_as_text(given, kept):
    assert cell(given) == kept


def test_a_row_with_a_control_character_saves_as_xlsx():
    book = Workbook()
    book.active.append(row(["Bell\x07 GmbH", "=1+1", 3]))
    book.save(io.BytesIO())  # openpyxl refuses control characters: this would raise
    assert book.active["B1"].data_type == "s"  # text, not a formula
