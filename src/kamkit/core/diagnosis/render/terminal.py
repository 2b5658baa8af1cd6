"""The terminal format: rich tables, gaps in colour."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..compare import WaveComparison
from ..results import Diagnosis
from ..scales import DIMENSION_LABELS, DIMENSIONS
from .common import (
    ANALYST_LEGEND,
    has_analyst_levels,
    made_by,
    matrices,
    to_dict,
    without_partners_text,
)

DIMENSION_ABBREVIATIONS = {
    "structural_formalization": "SF",
    "orientation_toward_others": "OO",
    "time_orientation": "TO",
    "goal_orientation": "GO",
    "linguistic_orientation": "LO",
    "motivational_orientation": "MO",
}


def _cell(text: str, row_label: str) -> Text:
    if row_label == "Integration gaps":
        style = "bold red" if text.startswith("yes") else "green" if text == "no" else ""
        return Text(text, style=style)
    return Text(text)


def render_terminal(diagnosis: Diagnosis) -> RenderableType:
    """Everything the other formats say, as rich renderables for a terminal."""
    case = diagnosis.case
    data = to_dict(diagnosis)
    parts: list[RenderableType] = []
    title = Text(f"Integration-gap diagnosis: {case.title}", style="bold")
    parts.append(title)
    facts = [case.firm, " to ".join(p for p in case.period if p), case.wave]
    if any(facts):
        parts.append(Text(" · ".join(f for f in facts if f), style="dim"))
    names = case.unit_names()

    net = Table(title="Embeddedness", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("KAM unit", "Partners", "Depends on", "Mutual", "Constraint", "Eff. size"):
        net.add_column(col, justify="left" if col in ("KAM unit", "Mutual") else "right")
    for n in diagnosis.networks:
        net.add_row(
            names[n.unit],
            str(n.degree),
            str(len(n.depends_on)),
            ", ".join(names[p] for p in n.mutual) or "–",
            "–" if n.constraint is None else f"{n.constraint:.3f}",
            "–" if n.effective_size is None else f"{n.effective_size:.2f}",
        )
    parts.append(net)

    for m in matrices(diagnosis):
        # transposed against the paper (a row per partner): readable at 80 columns and
        # with many partners
        table = Table(
            title=f"{m.kam_name}: differentiation, alignment and integration gaps "
            f"({m.gap_count} gap{'s' if m.gap_count != 1 else ''})",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=True,
        )
        table.add_column("Partner", no_wrap=True, max_width=24)
        for dim in DIMENSIONS:
            table.add_column(DIMENSION_ABBREVIATIONS[dim], justify="center", no_wrap=True)
        table.add_column("Differ.", no_wrap=True)
        table.add_column("Alignment", no_wrap=True)
        table.add_column("Gap", justify="center", no_wrap=True)
        for col, name in enumerate(m.partner_names):
            cells = [cells[col] for _, cells in m.rows]
            gap = cells[-1]
            size = m.gap_sizes[col]
            table.add_row(
                name,
                *cells[: len(DIMENSIONS)],
                cells[len(DIMENSIONS)],
                cells[len(DIMENSIONS) + 1],
                _cell(f"yes ({size})" if gap == "yes" else gap, "Integration gaps"),
            )
        parts.append(table)
    lonely = without_partners_text(diagnosis)
    if lonely:
        parts.append(Text(lonely, style="yellow"))
    parts.append(
        Text(
            "× = differs, ? = not known; "
            + ", ".join(
                f"{DIMENSION_ABBREVIATIONS[d]} {DIMENSION_LABELS[d].lower()}" for d in DIMENSIONS
            ),
            style="dim",
        )
    )
    if has_analyst_levels(diagnosis):
        parts.append(Text(ANALYST_LEGEND, style="dim"))
    if diagnosis.conflicts:
        parts.append(Text("Conflicting evidence (the judgement that counts is kept)", style="bold"))
        names = case.unit_names()
        for c in diagnosis.conflicts:
            parts.append(
                Text(f"  ! {names[c.kam]} – {names[c.partner]}: {c.message}", style="yellow")
            )

    recs = data["recommendations"]
    if recs:
        parts.append(Text("Recommendations", style="bold"))
        for r in recs:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, width=3, justify="right")
            grid.add_column()
            grid.add_row(f"{r['priority']}.", Text(r["headline"], style="yellow"))
            for a in r["actions"]:
                grid.add_row("•", a)
            parts.append(grid)
    cons = data["summary"]["consistency"]
    parts.append(
        Text(
            f"Checked against relationship quality: {cons['consistent']} consistent, "
            f"{cons['inconsistent']} inconsistent, {cons['unchecked']} not checked.",
            style="dim",
        )
    )
    for d in diagnosis.dyads:
        if d.consistency.status == "inconsistent":
            parts.append(
                Text(f"  ! {d.kam_name} – {d.partner_name}: {d.consistency.note}", style="red")
            )
    parts.append(Text(made_by(diagnosis), style="dim"))
    return Group(*parts)


def _moved(old: object, new: object) -> str:
    show = ["–" if v is None else str(v) for v in (old, new)]
    return show[0] if old == new else f"{show[0]} → {show[1]}"


def render_comparison_terminal(comparison: WaveComparison) -> RenderableType:
    """One table per KAM unit: each pair's gap status and what moved."""
    old, new = comparison.old.case, comparison.new.case
    parts: list[RenderableType] = [
        Text(
            f"Waves compared: {old.wave or old.title} → {new.wave or new.title}: "
            f"gaps {len(comparison.old.gaps())} → {len(comparison.new.gaps())}",
            style="bold",
        )
    ]
    styles = {"opened": "bold red", "closed": "bold green", "persists": "red"}
    kams: dict[str, str] = {}
    for c in comparison.changes:
        kams.setdefault(c.kam, c.kam_name)
    for kam, kam_name in kams.items():
        table = Table(title=kam_name, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("Partner", "Gap", "Differentiation", "Alignment", "Size", "Dimensions"):
            table.add_column(col)
        for c in comparison.changes:
            if c.kam != kam:
                continue
            table.add_row(
                c.partner_name,
                Text(c.status.replace("_", " "), style=styles.get(c.status, "")),
                _moved(*c.differentiation),
                _moved(*c.alignment),
                _moved(*c.gap_size),
                " ".join(
                    [f"+{DIMENSION_ABBREVIATIONS[d]}" for d in c.differs_added]
                    + [f"−{DIMENSION_ABBREVIATIONS[d]}" for d in c.differs_removed]
                ),
            )
        parts.append(table)
    parts.append(Text("+XX a dimension now differs, −XX no longer differs", style="dim"))
    return Group(*parts)
