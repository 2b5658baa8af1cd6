"""The spreadsheet format (openpyxl): the data sheet, one matrix per KAM unit, and more."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kamkit.core.spreadsheet import row as safe_row

from ..results import Diagnosis
from ..scales import DIMENSION_LABELS, DIMENSIONS
from .common import (
    ANALYST_LEGEND,
    ANALYST_MARK,
    kamkit_version,
    made_by,
    matrices,
    profile_rows,
)
from .text import CSV_COLUMNS, dyad_rows

_BOLD = Font(bold=True)
_GAP = PatternFill("solid", fgColor="F8D7DA")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _INVALID_SHEET_CHARS.sub("-", name)[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def _widths(ws, minimum: int = 8, maximum: int = 60) -> None:
    for col in ws.columns:
        width = max((len(str(c.value)) for c in col if c.value is not None), default=0)
        ws.column_dimensions[get_column_letter(col[0].column)].width = max(
            minimum, min(maximum, width + 2)
        )


def render_xlsx(diagnosis: Diagnosis) -> bytes:
    """An XLSX workbook: ``Dyads`` (one row per pair), a matrix sheet per KAM unit,
    ``Profiles``, ``Network`` and ``Recommendations``."""
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title("Dyads", used)
    _append(ws, CSV_COLUMNS)
    for cell in ws[1]:
        cell.font = _BOLD
    for row in dyad_rows(diagnosis):
        _append(ws, [row[c] for c in CSV_COLUMNS])
    ws.freeze_panes = "E2"
    _widths(ws, maximum=28)

    for m in matrices(diagnosis):
        ws = wb.create_sheet(_sheet_title(m.kam_name, used))
        _append(ws, [m.kam_name, *m.partner_names])
        for cell in ws[1]:
            cell.font = _BOLD
        for label, cells in m.rows:
            _append(ws, [label, *cells])
        last = ws.max_row
        for i, gap in enumerate(m.gaps, start=2):
            if gap:
                ws.cell(row=last, column=i).fill = _GAP
        for row in ws.iter_rows(min_row=2, min_col=2):
            for cell in row:
                cell.alignment = Alignment(horizontal="center")
        _append(ws, [])
        _append(ws, ["× = the units differ on the dimension; ? = not known"])
        if any(cell.endswith(ANALYST_MARK) for _, cells in m.rows for cell in cells):
            _append(ws, [ANALYST_LEGEND])
        _widths(ws, maximum=30)

    ws = wb.create_sheet(_sheet_title("Profiles", used))
    _append(ws, ["Unit", "", *(DIMENSION_LABELS[d] for d in DIMENSIONS)])
    for cell in ws[1]:
        cell.font = _BOLD
    for p in profile_rows(diagnosis):
        _append(ws, [p["name"], "Findings", *(p["findings"][d] for d in DIMENSIONS)])
        if any(p["statements"][d] for d in DIMENSIONS):
            _append(ws, ["", "Statements", *("\n".join(p["statements"][d]) for d in DIMENSIONS)])
    _widths(ws, maximum=45)

    ws = wb.create_sheet(_sheet_title("Network", used))
    _append(
        ws,
        [
            "KAM unit",
            "Partners",
            "Depends on",
            "Depended on by",
            "Mutual",
            "Constraint",
            "Effective size",
        ],
    )
    for cell in ws[1]:
        cell.font = _BOLD
    names = diagnosis.case.unit_names()
    for n in diagnosis.networks:
        _append(
            ws,
            [
                names[n.unit],
                n.degree,
                len(n.depends_on),
                len(n.depended_on_by),
                ", ".join(names[p] for p in n.mutual),
                n.constraint,
                n.effective_size,
            ],
        )
    _widths(ws)

    ws = wb.create_sheet(_sheet_title("Recommendations", used))
    _append(ws, ["Priority", "KAM unit", "Partner", "Recommendation", "Actions", "Measures"])
    for cell in ws[1]:
        cell.font = _BOLD
    for r in diagnosis.recommendations:
        measures = "\n".join(f"{m.measure.title} ({m.measure.source})" for m in r.measures)
        _append(
            ws,
            [
                r.priority,
                names[r.kam],
                names[r.partner],
                r.headline,
                "\n".join(r.actions),
                measures,
            ],
        )
    _widths(ws, maximum=80)

    ws = wb.create_sheet(_sheet_title("About", used))
    _append(ws, ["Case", diagnosis.case.title])
    _append(ws, ["Source", diagnosis.case.source or ""])
    _append(ws, ["kamkit version", kamkit_version()])
    _append(ws, ["rating_threshold", diagnosis.case.settings.rating_threshold])
    _append(ws, [made_by(diagnosis)])
    _widths(ws, maximum=60)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _append(ws, values) -> None:
    """A row as a spreadsheet holds it as text (no formulas, no control characters)."""
    ws.append(safe_row(values))
