"""Charts drawn on the server as inline SVG: no script, no CDN, readable without
JavaScript and printable. Each function takes plain values and returns markup."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

PHASES = ("exploration", "build_up", "maturity", "decline")
PHASE_NAMES = {
    "exploration": "Exploration",
    "build_up": "Build-up",
    "maturity": "Maturity",
    "decline": "Decline",
}
PHASE_COLOURS = {
    "exploration": "#3182ce",
    "build_up": "#38a169",
    "maturity": "#805ad5",
    "decline": "#dd6b20",
    "": "#a0aec0",
}
SERIES_COLOURS = {
    "communication": "#3182ce",
    "co_creation": "#38a169",
    "problem_solving": "#805ad5",
    "index": "#1f2933",
    "supplier": "#3182ce",
    "customer": "#dd6b20",
}


def _text(x: float, y: float, text: object, cls: str = "axis", anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">'
        f"{escape(str(text))}</text>"
    )


def _line(x1: float, x2: float, y1: float, y2: float, extra: str = 'class="grid"') -> str:
    return f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y1:.1f}" y2="{y2:.1f}" {extra}/>'


def _svg(width: int, height: int, body: list[str], label: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def phase_index_bubbles(
    points: Sequence[tuple[str, float | None]], link: Callable[[str, int], str] | None = None
) -> SafeString:
    """Accounts by phase (columns) and index (rows of 10 points): a bubble's area is the
    number of accounts, so the chart reads the same at 40 or 10,000 accounts. Accounts
    without a score are counted under the axis."""
    w, h, left, top, bottom = 640, 330, 44, 14, 52
    col = (w - left - 10) / len(PHASES)
    row = (h - top - bottom) / 10
    counts: dict[tuple[str, int], int] = {}
    unscored: dict[str, int] = dict.fromkeys(PHASES, 0)
    for phase, index in points:
        if phase not in PHASES:
            continue
        if index is None:
            unscored[phase] += 1
            continue
        b = min(9, int(index // 10))
        counts[(phase, b)] = counts.get((phase, b), 0) + 1
    biggest = max(counts.values(), default=1)
    body = []
    for k in range(11):
        y = top + (10 - k) * row
        body.append(f'<line x1="{left}" x2="{w - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        if k % 2 == 0:
            body.append(_text(left - 6, y + 4, k * 10, anchor="end"))
    # the index's common scale (SPEC §2.5): 50 is every scored process at the baseline in
    # every phase, so a bubble above the line is better than baseline whatever its phase
    mid = top + 5 * row
    body.append(
        f'<line x1="{left}" x2="{w - 10}" y1="{mid:.1f}" y2="{mid:.1f}" class="baseline" '
        'stroke="#64748b" stroke-dasharray="5 4"><title>50: every scored process at the '
        "baseline, in any phase</title></line>"
    )
    for i, phase in enumerate(PHASES):
        cx = left + (i + 0.5) * col
        body.append(
            f'<text x="{cx:.1f}" y="{h - bottom + 18}" class="axis" text-anchor="middle">'
            f"{PHASE_NAMES[phase]}</text>"
        )
        if unscored[phase]:
            body.append(
                f'<text x="{cx:.1f}" y="{h - bottom + 34}" class="axis muted" '
                f'text-anchor="middle">{unscored[phase]} without score</text>'
            )
        for b in range(10):
            n = counts.get((phase, b), 0)
            if not n:
                continue
            cy = top + (9.5 - b) * row
            r = max(4.0, min(row * 0.48, col * 0.4) * math.sqrt(n / biggest))
            tip = (
                f"{n} account{'s' if n != 1 else ''} in {PHASE_NAMES[phase]}, "
                f"index {b * 10}–{b * 10 + 10}"
            )
            circle = (
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{PHASE_COLOURS[phase]}" '
                f'fill-opacity="0.75"><title>{escape(tip)}</title></circle>'
                f'<text x="{cx + r + 4:.1f}" y="{cy + 4:.1f}" class="label">{n}</text>'
            )
            if link:
                circle = f'<a href="{escape(link(phase, b * 10))}">{circle}</a>'
            body.append(circle)
    body.append(
        f'<text x="12" y="{top + 5 * row:.1f}" class="axis" transform="rotate(-90 12 '
        f'{top + 5 * row:.1f})" text-anchor="middle">Effectiveness index</text>'
    )
    return _svg(w, h, body, "Accounts by lifecycle phase and effectiveness index")


def lines_over_time(
    series: dict[str, Sequence[tuple[dt.date, float | None]]],
    labels: dict[str, str],
    *,
    scale: tuple[float, float, Sequence[float]] = (0, 100, (0, 50, 100)),
    title: str = "Process scores and index over time",
    empty: str = "Trends appear after two assessments.",
    bridge: bool = False,
) -> SafeString:
    """Values over time on ``scale`` (low, high, ticks; scores 0–100 by default), one line
    per series; gaps where a value is missing, unless ``bridge`` joins the values either
    side of one (ratings taken now and then, rather than a score every time)."""
    w, h, left, right, top, bottom = 640, 240, 36, 150, 10, 28
    lo, hi, ticks = scale
    dates = sorted({d for values in series.values() for d, v in values if v is not None})
    if len(dates) < 2:
        return mark_safe(f'<p class="muted">{escape(empty)}</p>')
    first, last = dates[0], dates[-1]
    span = max(1, (last - first).days)

    def x(d: dt.date) -> float:
        return left + (w - left - right) * (d - first).days / span

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - (v - lo) / (hi - lo))

    body = []
    for v in ticks:
        body.append(
            f'<line x1="{left}" x2="{w - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" class="axis" text-anchor="end">{v}</text>'
        )
    for d in (first, last):
        body.append(
            f'<text x="{x(d):.1f}" y="{h - 8}" class="axis" text-anchor="middle">{d:%b %Y}</text>'
        )
    for k, (name, values) in enumerate(series.items()):
        colour = SERIES_COLOURS.get(name, "#718096")
        runs: list[list[str]] = [[]]
        for d, v in sorted(values):
            if v is None:
                if not bridge:
                    runs.append([])
            else:
                runs[-1].append(f"{x(d):.1f},{y(v):.1f}")
        dash = ' stroke-dasharray="5 3"' if name == "index" else ""
        for run in runs:
            if len(run) > 1:
                points = " ".join(run)
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash}/>'
                )
            elif run:
                cx, cy = run[0].split(",")
                body.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        ly = top + 14 + k * 20
        stroke = f'stroke="{colour}" stroke-width="3"{dash}'
        body.append(_line(w - right + 12, w - right + 30, ly - 4, ly - 4, stroke))
        body.append(_text(w - right + 36, ly, labels.get(name, name), "label"))
    return _svg(w, h, body, title)


def phase_history(items: Sequence[tuple[dt.date, str]]) -> SafeString:
    """The phase at each assessment, as a coloured strip."""
    if not items:
        return mark_safe('<p class="muted">No assessment stored yet.</p>')
    w, h = 640, 46
    step = (w - 2) / len(items)
    body = []
    for i, (day, phase) in enumerate(items):
        body.append(
            f'<rect x="{1 + i * step:.1f}" y="2" width="{max(1.0, step - 1):.1f}" height="24" '
            f'fill="{PHASE_COLOURS.get(phase, "#a0aec0")}"><title>{day}: '
            f"{escape(PHASE_NAMES.get(phase, 'no phase'))}</title></rect>"
        )
    body.append(f'<text x="1" y="42" class="axis">{items[0][0]:%b %Y}</text>')
    body.append(
        f'<text x="{w - 1}" y="42" class="axis" text-anchor="end">{items[-1][0]:%b %Y}</text>'
    )
    return _svg(w, h, body, "Lifecycle phase at each assessment")


def frequency_against_band(
    months: Sequence[tuple[str, int]], band: tuple[float, float]
) -> SafeString:
    """Interactions per 30-day period (bars) against the ideal band (shaded)."""
    w, h, left, top, bottom = 640, 200, 36, 10, 28
    top_value = max([n for _, n in months] + [band[1] * 1.25, 1])
    bar = (w - left - 10) / max(1, len(months))

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - v / top_value)

    body = [
        f'<rect x="{left}" y="{y(band[1]):.1f}" width="{w - left - 10}" '
        f'height="{y(band[0]) - y(band[1]):.1f}" class="band"><title>Ideal band: '
        f"{band[0]:g}–{band[1]:g} per 30 days</title></rect>"
    ]
    for v in (0, band[0], band[1]):
        body.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" class="axis" text-anchor="end">{v:g}</text>'
        )
    for i, (label, n) in enumerate(months):
        inside = band[0] <= n <= band[1]
        body.append(
            f'<rect x="{left + i * bar + 3:.1f}" y="{y(n):.1f}" width="{bar - 6:.1f}" '
            f'height="{y(0) - y(n):.1f}" class="{"bar-in" if inside else "bar-out"}">'
            f"<title>{escape(label)}: {n}</title></rect>"
        )
        if i % 2 == 0 or len(months) <= 6:
            body.append(_text(left + (i + 0.5) * bar, h - 8, label, anchor="middle"))
    return _svg(w, h, body, "Interactions per 30 days against the ideal band")


def mix_bar(parts: Sequence[tuple[str, int]]) -> SafeString:
    """Shares of a whole as one stacked bar with a legend (the communication mix)."""
    total = sum(n for _, n in parts)
    if not total:
        return mark_safe('<p class="muted">No interactions in the last 90 days.</p>')
    w = 640
    palette = [
        "#3182ce",
        "#38a169",
        "#805ad5",
        "#dd6b20",
        "#d69e2e",
        "#319795",
        "#e53e3e",
        "#718096",
    ]
    body, x, lx, ly = [], 0.0, 0.0, 36
    for k, (label, n) in enumerate(p for p in parts if p[1]):
        width = (w - 2) * n / total
        colour = palette[k % len(palette)]
        body.append(
            f'<rect x="{1 + x:.1f}" y="2" width="{width:.1f}" height="22" fill="{colour}">'
            f"<title>{escape(label)}: {n} ({100 * n / total:.0f} %)</title></rect>"
        )
        x += width
        text = f"{label} {100 * n / total:.0f} %"
        if lx + 14 + 7 * len(text) > w:  # the legend wraps
            lx, ly = 0.0, ly + 18
        body.append(f'<rect x="{lx:.1f}" y="{ly}" width="10" height="10" fill="{colour}"/>')
        body.append(f'<text x="{lx + 14:.1f}" y="{ly + 9}" class="label">{escape(text)}</text>')
        lx += 22 + 7 * len(text)
    return _svg(w, ly + 16, body, "Communication mix by channel, last 90 days")


def bars(parts: Sequence[tuple[str, float]], title: str, unit: str = "") -> SafeString:
    """Horizontal bars, one per labelled value (values ≥ 0 drawn from a common zero; a
    negative value is drawn leftwards from it)."""
    if not parts:
        return mark_safe('<p class="muted">Nothing to show.</p>')
    w, left, right, row = 640, 190, 90, 28
    lo = min(0.0, min(v for _, v in parts))
    hi = max(0.0, max(v for _, v in parts)) or 1.0
    span = hi - lo or 1.0

    def x(v: float) -> float:
        return left + (w - left - right) * (v - lo) / span

    body = []
    palette = ["#3182ce", "#38a169", "#805ad5", "#dd6b20", "#718096"]
    for k, (label, value) in enumerate(parts):
        y = 4 + k * row
        x0, x1 = sorted((x(0), x(value)))
        body.append(_text(left - 8, y + 15, label, "label", anchor="end"))
        body.append(
            f'<rect x="{x0:.1f}" y="{y}" width="{max(1.0, x1 - x0):.1f}" height="20" '
            f'fill="{palette[k % len(palette)]}"><title>{escape(label)}: {value:,.1f}'
            f"{escape(unit)}</title></rect>"
        )
        body.append(_text(x1 + 6, y + 15, f"{value:,.1f}{unit}", "label"))
    return _svg(w, 8 + row * len(parts), body, title)


def levels_over_waves(
    waves: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int | None]]],
    scale: Sequence[str],
) -> SafeString:
    """Ordinal levels over a study's waves: one line per series (``(name, colour,
    ranks)``, None where a wave has no value), the scale's labels on the left (rank 0 at
    the bottom). The diagnosis draws a pair's differentiation and alignment with it."""
    w, h, left, right, top, step = 600, 60 + 24 * len(scale), 96, 130, 12, 24
    dx = (w - left - right) / max(1, len(waves) - 1)
    body: list[str] = []
    for rank, label in enumerate(scale):
        y = top + (len(scale) - 1 - rank) * step
        body.append(_line(left, w - right, y, y))
        body.append(_text(left - 6, y + 4, label, anchor="end"))
    base = top + (len(scale) - 1) * step + 20
    for n, wave in enumerate(waves):
        body.append(_text(left + n * dx, base, wave, anchor="middle"))
    for k, (name, colour, ranks) in enumerate(series):
        pts = [
            (left + n * dx, top + (len(scale) - 1 - r) * step)
            for n, r in enumerate(ranks)
            if r is not None
        ]
        if len(pts) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for x, y in pts:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        ly = top + 10 + k * 18
        body.append(
            _line(
                w - right + 12,
                w - right + 30,
                ly - 4,
                ly - 4,
                f'stroke="{colour}" stroke-width="3"',
            )
        )
        body.append(_text(w - right + 36, ly, name, cls="label"))
    label = "; ".join(
        f"{name}: " + ", ".join("—" if r is None else scale[r] for r in ranks)
        for name, _, ranks in series
    )
    return _svg(w, h, body, label)
