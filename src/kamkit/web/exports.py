"""Every list as CSV and XLSX (issue 16), through one writer.

Cells pass through ``kamkit.core.spreadsheet``: text that a spreadsheet would read as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return at the start) is neutralised,
as OWASP's CSV-injection guidance asks, and characters XLSX cannot hold are dropped, so
no name can make an export fail. CSV is streamed row by row (a portfolio of 10,000
accounts never sits in memory); XLSX is written by openpyxl's write-only mode.

The columns of accounts, people and interactions are the ones ``kamkit import`` reads
(``--source kamkit``), so an export re-imports; a reader of another language gets them
under that language's names, which the import reads too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kamkit.core.columns import in_language
from kamkit.core.spreadsheet import row as safe_row

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class _Echo:
    def write(self, value: str) -> str:
        return value


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if value is None:
        return ""
    return value


def table_response(
    name: str,
    header: list[str],
    rows: Iterable[Iterable[Any]],
    fmt: str,
    *,
    kamkit_columns: bool = True,
) -> HttpResponse:
    """``rows`` under ``header`` as ``name.csv`` or ``name.xlsx``; 400 for another
    format. A header of kamkit's column names (``kamkit_columns``) is written in the
    reader's language (``kamkit.core.columns``; the import reads it back)."""
    if fmt not in FORMATS:
        return HttpResponse(_("format must be csv or xlsx."), status=400)
    if kamkit_columns:
        header = in_language(header, get_language())
    stamp = timezone.localdate().isoformat()
    filename = f"kamkit-{name}-{stamp}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())
        language = get_language()

        def lines() -> Iterator[str]:
            yield "\ufeff"  # Excel reads UTF-8 by its byte-order mark
            yield writer.writerow(header)
            # the rows are made while the file streams, after the view has returned and
            # the reader's language no longer applies: what they say is said in it here
            with translation.override(language):
                for values in rows:
                    yield writer.writerow(safe_row(_csv_value(v) for v in values))

        response: HttpResponse = StreamingHttpResponse(lines(), content_type=FORMATS["csv"])
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(name[:31])
        sheet.append(header)
        for values in rows:
            sheet.append(safe_row(_plain(v) for v in values))
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value
