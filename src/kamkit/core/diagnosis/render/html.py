"""The HTML report: one self-contained file (inline CSS and SVG, no script, no CDN)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

import jinja2

from ...i18n import gettext_noop
from ..results import Diagnosis
from ..scales import DIMENSION_LABELS, DIMENSIONS, PRACTICES, REQUISITE_TEXT
from .common import (
    ANALYST_LEGEND,
    NO_PARTNERS,
    has_analyst_levels,
    matrices,
    profile_rows,
    to_dict,
    without_partners_text,
)

MAX_PICTURE_UNITS = 60
"""Above this many units the picture would be unreadable; the report says so instead."""


@dataclass(frozen=True, slots=True)
class _Node:
    id: str
    label: str
    sub: str
    x: float
    y: float
    kind: str


@dataclass(frozen=True, slots=True)
class _Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    lx: float
    ly: float
    kind: str
    """``gap``, ``possible`` (a gap if the unknown dimensions differ), ``nogap`` or
    ``unknown`` (alignment not recorded)."""
    width: float
    label: str
    title: str
    depends: str | None = None
    """``kam`` (the KAM unit needs the partner's resources), ``partner``, ``mutual`` or
    None: drawn as arrows towards the unit depended on."""


@dataclass(frozen=True, slots=True)
class NetworkPicture:
    width: int
    height: int
    nodes: tuple[_Node, ...]
    edges: tuple[_Edge, ...]


NODE_W, NODE_H = 190, 38


A_CASE = gettext_noop("a case")
"""The footer's source when the case came from no file."""
CHECK_WORDS = (
    gettext_noop("consistent"),
    gettext_noop("inconsistent"),
    gettext_noop("unchecked"),
)
"""The statuses of the check of a gap against the recorded relationship."""


def _same(text: str) -> str:
    return text


def network_picture(
    diagnosis: Diagnosis, say: Callable[[str], str] = _same
) -> NetworkPicture | None:
    """KAM units on the left, partners on the right, a line per link; gaps drawn in red,
    thicker with the size of the gap. Partners are ordered by the mean position of the KAM
    units they link to, which keeps crossings few. ``say`` puts its texts in the reader's
    language (see :func:`render_html`)."""
    kams = list(diagnosis.kam_units)
    partners: list[str] = []
    for d in diagnosis.dyads:
        if d.partner not in partners:
            partners.append(d.partner)
    if not kams or len(kams) + len(partners) > MAX_PICTURE_UNITS:
        return None
    names = diagnosis.case.unit_names()
    kam_index = {k: i for i, k in enumerate(kams)}
    bary = {
        p: sum(kam_index[d.kam] for d in diagnosis.dyads if d.partner == p)
        / sum(1 for d in diagnosis.dyads if d.partner == p)
        for p in partners
    }
    partners.sort(key=lambda p: (bary[p], names[p]))
    step = 56
    height = max(len(partners), len(kams)) * step + 40
    width = 760
    left_x, right_x = 20, width - 20 - NODE_W

    children: dict[str, list[str]] = {}
    for u in diagnosis.case.units:
        if u.parent:
            children.setdefault(u.parent, []).append(u.id)

    def team_chain(uid: str) -> list[str]:
        out: list[str] = []
        for c in children.get(uid, []):
            out.append(names[c])
            out += team_chain(c)
        return out

    nodes: dict[str, _Node] = {}
    kam_step = (height - 40) / max(1, len(kams))
    for i, k in enumerate(kams):
        y = 20 + kam_step * (i + 0.5) - NODE_H / 2
        teams = team_chain(k)
        sub = (say("teams") + ": " + " › ".join(teams)) if teams else ""
        if k in diagnosis.without_partners:
            sub = say(NO_PARTNERS)
        nodes[k] = _Node(k, names[k], sub, left_x, y, "kam")
    for i, p in enumerate(partners):
        y = 20 + step * i + (step - NODE_H) / 2
        nodes[p] = _Node(p, names[p], "", right_x, y, "partner")

    edges = []
    for d in diagnosis.dyads:
        a, b = nodes[d.kam], nodes[d.partner]
        x1, y1 = a.x + NODE_W, a.y + NODE_H / 2
        x2, y2 = b.x, b.y + NODE_H / 2
        t = 0.86  # near the partner: lines fan in there, so labels rarely collide
        lx, ly = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        if d.gap is None:
            kind, width_px, label = "unknown", 1.5, "?"
        elif d.gap:
            kind, width_px, label = "gap", 1.5 + 1.5 * (d.gap_size or 0), str(d.gap_size)
        elif d.gap_possible:
            kind, width_px, label = "possible", 2.0, "?"
        else:
            kind, width_px, label = "nogap", 1.5, ""
        parts = [
            say(gettext_noop("differentiation {level}")).format(level=say(d.differentiation.level)),
            say(gettext_noop("alignment {level}")).format(level=say(d.alignment.level))
            if d.alignment.level
            else say(gettext_noop("alignment not recorded")),
        ]
        if d.gap:
            parts.append(say(gettext_noop("gap {size}")).format(size=d.gap_size))
        elif d.gap is False:
            parts.append(say(gettext_noop("no gap")))
        title = f"{d.kam_name} – {d.partner_name}: " + ", ".join(parts)
        if d.gap_possible:
            title += "; " + say(
                gettext_noop("a gap if the {count} unknown dimensions differ")
            ).format(count=len(d.differentiation.unknown))
        depends = {"kam_depends": "kam", "partner_depends": "partner", "mutual": "mutual"}.get(
            d.requisite_integration or ""
        )
        if d.flows:
            title += (
                "; "
                + say("flows")
                + ": "
                + ", ".join(f"{say(k)} {say(v)}" for k, v in d.flows.items())
            )
        if depends:
            title += "; " + say(REQUISITE_TEXT[d.requisite_integration])
        edges.append(_Edge(x1, y1, x2, y2, lx, ly, kind, width_px, label, title, depends))
    return NetworkPicture(width, height, tuple(nodes.values()), tuple(edges))


def _environment() -> jinja2.Environment:
    template_dir = files("kamkit.core.diagnosis.render").joinpath("templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def render_html(
    diagnosis: Diagnosis,
    mark_link: Callable[[str, str, str], str] | None = None,
    *,
    say: Callable[[str], str] | None = None,
    language: str = "en",
) -> str:
    """The whole report as one HTML document. With ``mark_link(kam, partner, dimension)``
    each × of the gap tables links there (the web app: to the pair's statements). With
    ``say`` (an English text of the report or of the core → the same in ``language``;
    the web app passes its translation) the report is in that language; without, in
    English. Names, statements and data stay as they are."""
    say = say or _same
    from kamkit import __version__

    data = to_dict(diagnosis)
    names = diagnosis.case.unit_names()
    template = _environment().get_template("report.html.j2")
    return template.render(
        case=diagnosis.case,
        data=data,
        names=names,
        dims=DIMENSIONS,
        dim_labels=DIMENSION_LABELS,
        practices=PRACTICES,
        profiles=profile_rows(diagnosis),
        matrices=matrices(diagnosis),
        without_partners=without_partners_text(diagnosis),
        conflicts=diagnosis.conflicts,
        analyst_legend=ANALYST_LEGEND if has_analyst_levels(diagnosis) else "",
        networks={n.unit: n for n in diagnosis.networks},
        dyads=diagnosis.dyads,
        picture=network_picture(diagnosis, say),
        max_picture_units=MAX_PICTURE_UNITS,
        recommendations=diagnosis.recommendations,
        version=__version__,
        node_w=NODE_W,
        node_h=NODE_H,
        mark_link=mark_link,
        _=say,
        language=language,
        a_case=A_CASE,
    )
