"""Charts drawn on the server as inline SVG: no script, no CDN, readable without
JavaScript and printable. Each function takes plain values and returns markup."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from html import escape

from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamkit.web.labels import PHASE_LABELS

PHASES = ("exploration", "build_up", "maturity", "decline")
PHASE_NAMES = PHASE_LABELS
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
        'stroke="#64748b" stroke-dasharray="5 4"><title>'
        + escape(_("50: every scored process at the baseline, in any phase"))
        + "</title></line>"
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
                f'text-anchor="middle">'
                + escape(_("{n} without score").format(n=unscored[phase]))
                + "</text>"
            )
        for b in range(10):
            n = counts.get((phase, b), 0)
            if not n:
                continue
            cy = top + (9.5 - b) * row
            r = max(4.0, min(row * 0.48, col * 0.4) * math.sqrt(n / biggest))
            tip = ngettext(
                "{n} account in {phase}, index {low}–{high}",
                "{n} accounts in {phase}, index {low}–{high}",
                n,
            ).format(n=n, phase=PHASE_NAMES[phase], low=b * 10, high=b * 10 + 10)
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
        f'{top + 5 * row:.1f})" text-anchor="middle">'
        + escape(_("Effectiveness index"))
        + "</text>"
    )
    return _svg(w, h, body, _("Accounts by lifecycle phase and effectiveness index"))


def lines_over_time(
    series: dict[str, Sequence[tuple[dt.date, float | None]]],
    labels: dict[str, str],
    *,
    scale: tuple[float, float, Sequence[float]] = (0, 100, (0, 50, 100)),
    title: str | None = None,
    empty: str | None = None,
    bridge: bool = False,
) -> SafeString:
    """Values over time on ``scale`` (low, high, ticks; scores 0–100 by default), one line
    per series; gaps where a value is missing, unless ``bridge`` joins the values either
    side of one (ratings taken now and then, rather than a score every time)."""
    w, h, left, right, top, bottom = 640, 240, 36, 150, 10, 28
    lo, hi, ticks = scale
    dates = sorted({d for values in series.values() for d, v in values if v is not None})
    if len(dates) < 2:
        empty = _("Trends appear after two assessments.") if empty is None else empty
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
            f'<text x="{x(d):.1f}" y="{h - 8}" class="axis" text-anchor="middle">'
            f"{date_format(d, 'M Y')}</text>"
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
    return _svg(w, h, body, _("Process scores and index over time") if title is None else title)


def phase_history(items: Sequence[tuple[dt.date, str]]) -> SafeString:
    """The phase at each assessment, as a coloured strip."""
    if not items:
        empty = escape(_("No assessment stored yet."))
        return mark_safe(f'<p class="muted">{empty}</p>')
    w, h = 640, 46
    step = (w - 2) / len(items)
    body = []
    for i, (day, phase) in enumerate(items):
        body.append(
            f'<rect x="{1 + i * step:.1f}" y="2" width="{max(1.0, step - 1):.1f}" height="24" '
            f'fill="{PHASE_COLOURS.get(phase, "#a0aec0")}"><title>{day}: '
            f"{escape(PHASE_NAMES.get(phase, _('no phase')))}</title></rect>"
        )
    body.append(f'<text x="1" y="42" class="axis">{date_format(items[0][0], "M Y")}</text>')
    body.append(
        f'<text x="{w - 1}" y="42" class="axis" text-anchor="end">'
        f"{date_format(items[-1][0], 'M Y')}</text>"
    )
    return _svg(w, h, body, _("Lifecycle phase at each assessment"))


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
        f'height="{y(band[0]) - y(band[1]):.1f}" class="band"><title>'
        + escape(
            _("Ideal band: {low}–{high} per 30 days").format(
                low=f"{band[0]:g}", high=f"{band[1]:g}"
            )
        )
        + "</title></rect>"
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
    return _svg(w, h, body, _("Interactions per 30 days against the ideal band"))


def mix_bar(parts: Sequence[tuple[str, int]]) -> SafeString:
    """Shares of a whole as one stacked bar with a legend (the communication mix)."""
    total = sum(n for _, n in parts)
    if not total:
        empty = escape(_("No interactions in the last 90 days."))
        return mark_safe(f'<p class="muted">{empty}</p>')
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
    return _svg(w, ly + 16, body, _("Communication mix by channel, last 90 days"))


def bars(parts: Sequence[tuple[str, float]], title: str, unit: str = "") -> SafeString:
    """Horizontal bars, one per labelled value (values ≥ 0 drawn from a common zero; a
    negative value is drawn leftwards from it)."""
    if not parts:
        empty = escape(_("Nothing to show."))
        return mark_safe(f'<p class="muted">{empty}</p>')
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
            f'fill="{palette[k % len(palette)]}"><title>{escape(label)}: '
            f"{number_format(value, 1, force_grouping=True)}"
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


def portfolio_matrix(points: Sequence[tuple[str, str, float, float, str]]) -> SafeString:
    """The KAM portfolio matrix (issue 20): each account a dot at (index, selection
    score), coloured by phase, a link to the account (``points``: href, name,
    attractiveness 0–5, index 0–100, phase); the quadrants named after McDonald &
    Woodburn (2007)."""
    from kamkit.core.portfolio import ATTRACTIVENESS_MIDDLE, QUADRANTS, STRENGTH_MIDDLE

    w, h, left, top, right, bottom = 640, 420, 50, 14, 14, 46
    pw, ph = w - left - right, h - top - bottom

    def x(v: float) -> float:
        return left + pw * v / 100

    def y(v: float) -> float:
        return top + ph * (1 - v / 5)

    body = []
    mx, my = x(STRENGTH_MIDDLE), y(ATTRACTIVENESS_MIDDLE)
    shades = {
        (True, True): "#e8f5e9",
        (True, False): "#fff8e1",
        (False, True): "#e3f2fd",
        (False, False): "#f5f5f5",
    }
    for (attractive, strong), (_key, label) in QUADRANTS.items():
        x0, x1 = (mx, left + pw) if strong else (left, mx)
        y0, y1 = (top, my) if attractive else (my, top + ph)
        body.append(
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
            f'height="{y1 - y0:.1f}" fill="{shades[(attractive, strong)]}"/>'
        )
        tx = x1 - 8 if strong else x0 + 8
        body.append(
            _text(tx, y0 + 16, _(label), cls="label quadrant", anchor="end" if strong else "start")
        )
    for k in range(0, 101, 20):
        body.append(_text(x(k), top + ph + 16, k, anchor="middle"))
    for k in range(6):
        body.append(_text(left - 6, y(k) + 4, k, anchor="end"))
    dashed = 'stroke="#64748b" stroke-dasharray="5 4"'
    body.append(_line(left, left + pw, my, my, dashed))
    body.append(_line(mx, mx, top, top + ph, dashed))
    for href, name, attractiveness, index, phase in points:
        tip = _("{name}: index {index}, selection {selection}, {phase}").format(
            name=name,
            index=f"{index:.0f}",
            selection=number_format(attractiveness, 1),
            phase=PHASE_NAMES.get(phase, _("no phase")),
        )
        colour = PHASE_COLOURS.get(phase, "#9e9e9e")
        body.append(
            f'<a href="{escape(href)}"><circle cx="{x(index):.1f}" '
            f'cy="{y(attractiveness):.1f}" r="6" fill="{colour}" fill-opacity="0.8" '
            f'stroke="#fff"><title>{escape(tip)}</title></circle></a>'
        )
    body.append(
        _text(
            left + pw / 2, h - 6, _("Relationship strength: effectiveness index"), anchor="middle"
        )
    )
    body.append(
        f'<text x="12" y="{top + ph / 2:.1f}" class="axis" transform="rotate(-90 12 '
        f'{top + ph / 2:.1f})" text-anchor="middle">'
        + escape(_("Attractiveness: selection score"))
        + "</text>"
    )
    return _svg(w, h, body, _("Key accounts by attractiveness and relationship strength"))


def index_distribution(
    months: Sequence[tuple[dt.date, tuple[float, float, float, float, float], int]],
) -> SafeString:
    """Portfolio health over time (issue 20): per month the index's minimum–maximum
    (whisker), quartiles (box) and median (line) across the accounts assessed that
    month, with how many."""
    w, h, left, top, right, bottom = 640, 260, 44, 14, 10, 40
    pw, ph = w - left - right, h - top - bottom
    n = max(1, len(months))
    step = pw / n

    def y(v: float) -> float:
        return top + ph * (1 - v / 100)

    body = []
    for k in range(0, 101, 25):
        body.append(_line(left, left + pw, y(k), y(k)))
        body.append(_text(left - 6, y(k) + 4, k, anchor="end"))
    for i, (month, (lo, q1, q2, q3, hi), count) in enumerate(months):
        cx = left + (i + 0.5) * step
        bw = min(28.0, step * 0.6)
        tip = ngettext(
            "{month}: {n} account; median {q2}, quartiles {q1}–{q3}, range {lo}–{hi}",
            "{month}: {n} accounts; median {q2}, quartiles {q1}–{q3}, range {lo}–{hi}",
            count,
        ).format(
            month=f"{month:%Y-%m}",
            n=count,
            q2=f"{q2:.0f}",
            q1=f"{q1:.0f}",
            q3=f"{q3:.0f}",
            lo=f"{lo:.0f}",
            hi=f"{hi:.0f}",
        )
        box = max(1.0, y(q1) - y(q3))
        body.append(
            f"<g><title>{escape(tip)}</title>"
            + _line(cx, cx, y(hi), y(lo), 'stroke="#64748b"')
            + f'<rect x="{cx - bw / 2:.1f}" y="{y(q3):.1f}" width="{bw:.1f}" '
            f'height="{box:.1f}" fill="#bfdbfe" stroke="#1d4ed8"/>'
            + _line(cx - bw / 2, cx + bw / 2, y(q2), y(q2), 'stroke="#1d4ed8" stroke-width="2"')
            + "</g>"
        )
        if n <= 13 or i % 2 == 0:
            body.append(_text(cx, top + ph + 16, f"{month:%m/%y}", anchor="middle"))
    return _svg(w, h, body, _("Effectiveness index across the portfolio, month by month"))


def xy_plot(points: Sequence[tuple[str, float, float]], x_label: str, y_label: str) -> SafeString:
    """A set-theoretic XY plot (fsQCA, issue 21): each case a dot at (membership in the
    solution, membership in the outcome); the diagonal marks sufficiency (cases on or
    above it are consistent with X ⊆ Y); the dashed lines the 0.5 crossovers."""
    size, left, top, right = 400, 50, 14, 14
    span = size - left - right  # the plot is square; 46 px below it for the labels

    def x(v: float) -> float:
        return left + span * v

    def y(v: float) -> float:
        return top + span * (1 - v)

    body = [
        f'<rect x="{left}" y="{top}" width="{span}" height="{span}" fill="#fafafa" '
        'stroke="#cbd5e1"/>',
        _line(x(0), x(1), y(0), y(1), 'stroke="#475569"'),
    ]
    dashed = 'stroke="#94a3b8" stroke-dasharray="4 4"'
    body.append(_line(x(0.5), x(0.5), y(0), y(1), dashed))
    body.append(_line(x(0), x(1), y(0.5), y(0.5), dashed))
    for k in range(0, 11, 2):
        v = k / 10
        body.append(_text(x(v), top + span + 16, number_format(v, 1), anchor="middle"))
        body.append(_text(left - 6, y(v) + 4, number_format(v, 1), anchor="end"))
    for name, xv, yv in points:
        consistent = yv >= xv
        tip = _("{name}: solution {x}, outcome {y}").format(
            name=name, x=number_format(xv, 2), y=number_format(yv, 2)
        )
        colour = "#2b6cb0" if consistent else "#c53030"
        body.append(
            f'<circle cx="{x(xv):.1f}" cy="{y(yv):.1f}" r="5" fill="{colour}" '
            f'fill-opacity="0.7" stroke="#fff"><title>{escape(tip)}</title></circle>'
        )
    body.append(_text(left + span / 2, size - 6, x_label, anchor="middle"))
    body.append(
        f'<text x="12" y="{top + span / 2:.1f}" class="axis" transform="rotate(-90 12 '
        f'{top + span / 2:.1f})" text-anchor="middle">{escape(y_label)}</text>'
    )
    return _svg(size, size, body, _("XY plot: {x} against {y}").format(x=x_label, y=y_label))
