"""Plain-text formats of a diagnosis: Markdown, CSV and a LaTeX table for papers."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import orjson

from kamkit.core.spreadsheet import cell
from kamkit.core.spreadsheet import row as row_cells

from ..compare import WaveComparison
from ..results import Diagnosis
from ..scales import DIMENSION_LABELS, DIMENSIONS, PRACTICES
from .common import (
    ANALYST_LEGEND,
    NO_PARTNERS,
    comparison_to_dict,
    has_analyst_levels,
    kamkit_version,
    made_by,
    matrices,
    profile_rows,
    to_dict,
    without_partners_text,
)

# -- JSON -----------------------------------------------------------------------------------


def _json(data: dict[str, Any]) -> str:
    # orjson: about ten times faster than json here, which matters for 10,000-dyad cases
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def render_json(diagnosis: Diagnosis) -> str:
    """The SPEC §3.2 JSON document."""
    return _json(to_dict(diagnosis))


def render_comparison_json(comparison: WaveComparison) -> str:
    return _json(comparison_to_dict(comparison))


# -- Markdown -------------------------------------------------------------------------------


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def _period(diagnosis: Diagnosis) -> str:
    start, end = diagnosis.case.period
    if start or end:
        return f"{start or '?'} to {end or '?'}"
    return ""


def render_markdown(diagnosis: Diagnosis) -> str:
    """A Markdown report: profiles, embeddedness, one matrix per KAM unit, advice."""
    case = diagnosis.case
    data = to_dict(diagnosis)
    out = [f"# Integration-gap diagnosis: {case.title}", ""]
    facts = [("Firm", case.firm), ("Period", _period(diagnosis)), ("Wave", case.wave)]
    out += [f"- **{k}:** {v}" for k, v in facts if v]
    summary = data["summary"]
    out.append(
        f"- **Gaps:** {summary['gaps']} of {summary['dyads']} KAM unit–partner pairs"
        + "".join(f"; {u['name']}: {u['gaps']}" for u in summary["by_kam_unit"].values())
    )
    out.append("")

    profiles = profile_rows(diagnosis)
    if profiles:
        out += ["## Unit profiles", ""]
        header = ["Unit", ""] + [DIMENSION_LABELS[d] for d in DIMENSIONS]
        rows: list[list[Any]] = []
        for p in profiles:
            rows.append([p["name"], "Findings"] + [p["findings"][d] for d in DIMENSIONS])
            if any(p["statements"][d] for d in DIMENSIONS):
                rows.append(
                    ["", "Statements"]
                    + ["; ".join(f"“{s}”" for s in p["statements"][d]) for d in DIMENSIONS]
                )
        out += _md_table(header, rows) + [""]

    out += ["## Embeddedness", ""]
    names = case.unit_names()
    rows = []
    for n in diagnosis.networks:
        rows.append(
            [
                names[n.unit],
                n.degree,
                len(n.depends_on),
                len(n.depended_on_by),
                ", ".join(names[p] for p in n.mutual) or "–",
                "–" if n.constraint is None else f"{n.constraint:.3f}",
                "–" if n.effective_size is None else f"{n.effective_size:.2f}",
            ]
        )
    out += _md_table(
        [
            "KAM unit",
            "Partners",
            "Depends on",
            "Depended on by",
            "Mutual",
            "Burt's constraint",
            "Effective size",
        ],
        rows,
    ) + [""]

    legend = f" {ANALYST_LEGEND}." if has_analyst_levels(diagnosis) else ""
    for m in matrices(diagnosis):
        out += [f"## {m.kam_name}: differentiation, alignment and integration gaps", ""]
        out += _md_table(["", *m.partner_names], [[label, *cells] for label, cells in m.rows])
        out += [
            "",
            f"× = the units differ on the dimension; ? = not known.{legend} {m.gap_count} gap(s).",
            "",
        ]
    lonely = without_partners_text(diagnosis)
    if lonely:
        out += [f"**{lonely}**", ""]
    if diagnosis.conflicts:
        names = diagnosis.case.unit_names()
        out += ["## Conflicting evidence", ""]
        out += [f"- {names[c.kam]} – {names[c.partner]}: {c.message}" for c in diagnosis.conflicts]
        out.append("")

    if diagnosis.recommendations:
        out += ["## Recommendations", ""]
        for r in diagnosis.recommendations:
            out.append(f"{r.priority}. **{r.headline}**")
            out += [f"   - {a}" for a in r.actions]
            out += [
                f"   - measure: {m.measure.title} ({m.reason}; source: {m.measure.source})"
                for m in r.measures
            ]
        out.append("")

    checked = [d for d in diagnosis.dyads if d.consistency.status != "unchecked"]
    if checked:
        out += ["## Gaps and relationship quality", ""]
        out += _md_table(
            ["KAM unit", "Partner", "Gap", "Relationship", "Check"],
            [
                [
                    d.kam_name,
                    d.partner_name,
                    d.gap_size,
                    d.relationship_quality.description if d.relationship_quality else "",
                    f"{d.consistency.status}: {d.consistency.note}",
                ]
                for d in checked
            ],
        ) + [""]
    out += [f"*{made_by(diagnosis)}*", ""]
    return "\n".join(out)


def render_comparison_markdown(comparison: WaveComparison) -> str:
    data = comparison_to_dict(comparison)
    old, new = data["old"], data["new"]
    out = [
        f"# Comparison of two waves: {old['wave'] or old['case']} → {new['wave'] or new['case']}",
        "",
        f"- Gaps: {old['gaps']} → {new['gaps']}",
    ]
    out += [f"- {status}: {n}" for status, n in sorted(data["summary"].items())]
    out.append("")
    out += _md_table(
        ["KAM unit", "Partner", "Gap", "Differentiation", "Alignment", "Gap size", "Dimensions"],
        [
            [
                c["kam_name"],
                c["partner_name"],
                c["status"],
                f"{c['differentiation']['old'] or '–'} → {c['differentiation']['new'] or '–'}",
                f"{c['alignment']['old'] or '–'} → {c['alignment']['new'] or '–'}",
                f"{_dash(c['gap_size']['old'])} → {_dash(c['gap_size']['new'])}",
                _dims_change(c),
            ]
            for c in data["changes"]
        ],
    )
    return "\n".join(out) + "\n"


def _dash(value: Any) -> str:
    return "–" if value is None else str(value)


def _dims_change(change: dict[str, Any]) -> str:
    parts = [f"+{d}" for d in change["differs_added"]] + [
        f"−{d}" for d in change["differs_removed"]
    ]
    return ", ".join(parts)


# -- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "kam",
    "kam_name",
    "partner",
    "partner_name",
    *DIMENSIONS,
    "differentiation_count",
    "differentiation_level",
    "unknown_dimensions",
    *(f"practice_{p}" for p in PRACTICES),
    "alignment_score",
    "alignment_level",
    "alignment_source",
    "gap",
    "gap_size",
    "gap_possible",
    "requisite_integration",
    "relationship_quality",
    "consistency",
    "conflicts",
    "note",
    "kamkit_version",
    "rating_threshold",
]


def dyad_rows(diagnosis: Diagnosis) -> list[dict[str, Any]]:
    """One flat row per KAM unit–partner pair (the CSV and the XLSX data sheet)."""
    rows = []
    for d in diagnosis.dyads:
        a = d.alignment
        row: dict[str, Any] = {
            "kam": d.kam,
            "kam_name": d.kam_name,
            "partner": d.partner,
            "partner_name": d.partner_name,
        }
        for j in d.differentiation.judgements:
            row[j.dimension] = "" if j.differs is None else int(j.differs)
        row.update(
            {
                "differentiation_count": d.differentiation.count,
                "differentiation_level": d.differentiation.level,
                "unknown_dimensions": " ".join(d.differentiation.unknown),
            }
        )
        for p in PRACTICES:
            row[f"practice_{p}"] = a.practices[p] if a.practices else ""
        row.update(
            {
                "alignment_score": "" if a.score is None else a.score,
                "alignment_level": a.level or "",
                "alignment_source": a.source or "",
                "gap": "" if d.gap is None else ("yes" if d.gap else "no"),
                "gap_size": "" if d.gap_size is None else d.gap_size,
                "gap_possible": "yes" if d.gap_possible else "no",
                "requisite_integration": d.requisite_integration or "",
                "relationship_quality": (
                    d.relationship_quality.description if d.relationship_quality else ""
                ),
                "consistency": d.consistency.status,
                "conflicts": "; ".join(c.message for c in d.conflicts),
                "note": "alignment level set by the analyst" if a.source == "analyst" else "",
            }
        )
        rows.append(row)
    names = diagnosis.case.unit_names()
    for kam in diagnosis.without_partners:  # a row each, so that no KAM unit disappears
        rows.append(
            {c: "" for c in CSV_COLUMNS} | {"kam": kam, "kam_name": names[kam], "note": NO_PARTNERS}
        )
    made = {
        "kamkit_version": kamkit_version(),
        "rating_threshold": diagnosis.case.settings.rating_threshold,
    }
    return [row | made for row in rows]


def render_csv(diagnosis: Diagnosis) -> str:
    """One row per pair; dimensions as 1 (differs), 0 (does not) or empty (unknown)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: cell(v) for k, v in r.items()} for r in dyad_rows(diagnosis))
    return buf.getvalue()


def render_comparison_csv(comparison: WaveComparison) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "kam",
            "partner",
            "status",
            "differentiation_old",
            "differentiation_new",
            "alignment_old",
            "alignment_new",
            "gap_size_old",
            "gap_size_new",
            "differs_added",
            "differs_removed",
        ]
    )
    for c in comparison.changes:
        writer.writerow(
            row_cells(
                [
                    c.kam,
                    c.partner,
                    c.status,
                    c.differentiation[0] or "",
                    c.differentiation[1] or "",
                    c.alignment[0] or "",
                    c.alignment[1] or "",
                    "" if c.gap_size[0] is None else c.gap_size[0],
                    "" if c.gap_size[1] is None else c.gap_size[1],
                    " ".join(c.differs_added),
                    " ".join(c.differs_removed),
                ]
            )
        )
    return buf.getvalue()


# -- LaTeX ----------------------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "–": "--",
    "—": "---",
    "“": "``",
    "”": "''",
}


def latex_escape(text: str) -> str:
    """Escape the characters LaTeX treats specially."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _latex_cell(text: str) -> str:
    if text == "×":
        return r"$\times$"
    if text.endswith("†"):  # an alignment level the analyst set
        return latex_escape(text[:-1]) + r"\textsuperscript{\dag}"
    return latex_escape(text)


def render_latex(diagnosis: Diagnosis, standalone: bool = False) -> str:
    """One ``table`` per KAM unit in the style of the paper's Tables 2–3 (booktabs).

    With ``standalone`` the tables are wrapped in a compilable ``article`` document.
    """
    out = [
        f"% kamkit diagnosis: {latex_escape(diagnosis.case.title)}",
        f"% {made_by(diagnosis)}",
        r"% needs \usepackage{booktabs} (and \usepackage{graphicx} for \resizebox)",
    ]
    for m in matrices(diagnosis):
        cols = "l" + "c" * len(m.partners)
        out += [
            r"\begin{table}[htbp]",
            r"\centering",
            rf"\caption{{{latex_escape(m.kam_name)}: embeddedness, differentiation, internal "
            r"alignment and integration gaps}",
            rf"\label{{tab:kamkit-{re.sub(r'[^A-Za-z0-9]+', '-', m.kam)}}}",
            r"\resizebox{\textwidth}{!}{%",
            rf"\begin{{tabular}}{{{cols}}}",
            r"\toprule",
            rf" & \multicolumn{{{len(m.partners)}}}{{c}}{{Internal network partner}} \\",
            rf"\cmidrule(l){{2-{len(m.partners) + 1}}}",
            " & ".join(["", *(latex_escape(n) for n in m.partner_names)]) + r" \\",
            r"\midrule",
        ]
        for i, (label, cells) in enumerate(m.rows):
            if i == len(DIMENSIONS):
                out.append(r"\midrule")
            out.append(" & ".join([latex_escape(label), *(_latex_cell(c) for c in cells)]) + r" \\")
        out += [
            r"\bottomrule",
            r"\end{tabular}}",
            r"\par\smallskip\footnotesize $\times$ = differentiation between the KAM unit and "
            r"the partner; differentiation scale: very low, low, rather low, rather high, high, "
            r"very high; alignment scale: low, rather low, rather high, high; a gap where "
            r"differentiation is above alignment."
            + (
                r" \textsuperscript{\dag} alignment level set by the analyst."
                if any(cell.endswith("†") for _, cells in m.rows for cell in cells)
                else ""
            ),
            r"\end{table}",
            "",
        ]
    lonely = without_partners_text(diagnosis)
    if lonely:
        out += [rf"\noindent{{\footnotesize {latex_escape(lonely)}}}\par", ""]
    names = diagnosis.case.unit_names()
    for c in diagnosis.conflicts:
        out.append(f"% conflicting evidence: {names[c.kam]} – {names[c.partner]}: {c.message}")
    body = "\n".join(out)
    if not standalone:
        return body
    return (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\begin{document}\n"
        + body
        + "\n\\end{document}\n"
    )
