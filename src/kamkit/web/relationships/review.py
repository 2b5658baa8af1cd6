"""The account review pack (issue 20): one account's quarter or year on a page and as a
PDF made here, without network (fpdf2). The internal version has the phase and why, the
scores and their trend, the lever and its next actions, the perception gap, initiatives
and value realized, problems solved and the plan's progress; the customer-safe version
only what is shared with the customer (shared initiatives, problems and objectives, the
perception gap if the KA manager shared it), never scores, the phase judgement or
anything internal."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from kamkit.core.plan import plan_progress, progress
from kamkit.core.relationships import SOLVED_STAGES
from kamkit.web.accounts.models import Account
from kamkit.web.accounts.templatetags.kamkit_l10n import money
from kamkit.web.labels import ITEM_LABELS, PHASE_LABELS, PROCESS_LABELS, SOURCE_LABELS, say

from .models import JointInitiative, Objective, Problem, ProblemStageChange

PERIODS = {"quarter": 91, "year": 365}
"""A quarter is the last 91 days, a year the last 365 (kamkit's reading of the quarterly
and annual account reviews)."""


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)


@dataclass
class ReviewPack:
    account: Account
    period: str
    start: dt.date
    end: dt.date
    customer_safe: bool
    sections: list[Section]
    made: str


def _money(value) -> str:
    return money(value)


def _day(value: dt.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def build_review(account: Account, user, period: str, customer_safe: bool) -> ReviewPack:
    """The pack for ``period`` (``quarter`` or ``year``) ending today, as ``user`` may
    see it; a customer always gets the customer-safe version."""
    from kamkit import __version__
    from kamkit.web.assessment.models import AssessmentSnapshot
    from kamkit.web.assessment.services import account_overview

    from .perception import perception_context

    customer_safe = customer_safe or user.role == "customer"
    end = timezone.localdate()
    start = end - dt.timedelta(days=PERIODS[period] - 1)
    sections: list[Section] = []

    if not customer_safe:
        overview = account_overview(account, end)
        payload = overview["json"]
        phase = payload["phase"]
        s = Section(_("Phase and why"))
        s.lines.append(
            _("{phase} (source: {source})").format(
                phase=PHASE_LABELS.get(phase["value"] or "", _("No phase")),
                source=SOURCE_LABELS.get(phase["source"] or "", _("none")),
            )
        )
        s.lines += [say(r) for r in phase.get("reasons") or []]
        if phase.get("disagreement"):
            s.lines.append(
                _("The sides disagree: we say {ours}, the customer {theirs}.").format(
                    ours=PHASE_LABELS.get(phase["supplier_view"], phase["supplier_view"]),
                    theirs=PHASE_LABELS.get(phase["customer_view"], phase["customer_view"]),
                )
            )
        sections.append(s)
        snaps = list(
            AssessmentSnapshot.objects.filter(account=account, on__gte=start, on__lte=end)
            .order_by("on")
            .values_list("on", "communication", "co_creation", "problem_solving", "index")
        )
        s = Section(_("Scores and their trend"), header=["", _("start of period"), _("now")])
        first = snaps[0] if snaps else None
        names = ["communication", "co_creation", "problem_solving"]

        def fmt(v) -> str:
            return "—" if v is None else f"{v:.0f}"

        for k, name in enumerate(names):
            now = payload["processes"][name]["score"]
            s.rows.append(
                [str(PROCESS_LABELS[name]), fmt(first[k + 1] if first else None), fmt(now)]
            )
        s.rows.append(
            [_("Effectiveness index"), fmt(first[4] if first else None), fmt(payload["index"])]
        )
        sections.append(s)
        lever = payload["lever"]
        s = Section(_("The lever"))
        s.lines.append(
            f"{PROCESS_LABELS.get(lever['process'] or '', '')}: {say(lever['why'])}"
            if lever["process"]
            else _("No lever: no process is scored yet.")
        )
        s.lines += [_("Next: {action}").format(action=say(a.text)) for a in overview["actions"]]
        sections.append(s)

    if not customer_safe or account.perception_shared:
        gaps = perception_context(account, end, for_customer=customer_safe)["gaps"]
        s = Section(
            _("How both sides see it (1–7)"),
            header=["", _("supplier"), _("customer"), _("gap")],
        )
        for g in gaps:
            if g.supplier is None and g.customer is None:
                continue
            s.rows.append(
                [
                    str(ITEM_LABELS[g.item]),
                    "—" if g.supplier is None else number_format(g.supplier, 1),
                    "—" if g.customer is None else number_format(g.customer, 1),
                    "—" if g.gap is None else ("+" if g.gap > 0 else "") + number_format(g.gap, 1),
                ]
            )
        if not s.rows:
            s.lines.append(_("No ratings from either side in the last year."))
        sections.append(s)

    initiatives = JointInitiative.objects.alive().filter(account=account)
    problems = Problem.objects.alive().filter(account=account)
    objectives = Objective.objects.alive().filter(account=account)
    if customer_safe:
        initiatives, problems, objectives = (
            initiatives.filter(shared=True),
            problems.filter(shared=True),
            objectives.filter(shared=True),
        )
    header = [_("initiative"), _("status"), _("realized"), _("value to the customer")]
    if not customer_safe:
        header.append(_("value to us"))  # our own gain stays internal
    s = Section(_("Joint initiatives and value realized"), header=header)
    for i in initiatives.order_by("-realized_on", "title"):
        realized_now = i.realized_on is not None and start <= i.realized_on <= end
        if i.status in ("realized", "dropped") and not realized_now:
            continue  # closed before the period
        row = [
            i.title,
            str(i.get_status_display()),
            _day(i.realized_on),
            _money(i.realized_value_customer),
        ]
        if not customer_safe:
            row.append(_money(i.realized_value_supplier))
        s.rows.append(row)
    if not s.rows:
        s.lines.append(_("No initiative open or realized in the period."))
    sections.append(s)

    solved = (
        ProblemStageChange.objects.filter(
            problem__in=problems,
            stage__in=SOLVED_STAGES,
            changed_on__gte=start,
            changed_on__lte=end,
        )
        .select_related("problem")
        .order_by("changed_on")
    )
    first_solved: dict[int, ProblemStageChange] = {}
    for change in solved:
        first_solved.setdefault(change.problem_id, change)
    days = [(c.changed_on - c.problem.raised_on).days for c in first_solved.values()]
    s = Section(_("Problems solved"), header=[_("problem"), _("raised"), _("solved"), _("days")])
    for c in first_solved.values():
        s.rows.append(
            [
                c.problem.title,
                _day(c.problem.raised_on),
                _day(c.changed_on),
                str((c.changed_on - c.problem.raised_on).days),
            ]
        )
    still_open = problems.exclude(stage__in=SOLVED_STAGES).count()
    s.lines.append(
        _(
            "{solved} solved in the period, median {days} days from report to solution; "
            "{open} still open."
        ).format(solved=len(first_solved), days=f"{statistics.median(days):.0f}", open=still_open)
        if days
        else _("{solved} solved in the period; {open} still open.").format(
            solved=len(first_solved), open=still_open
        )
    )
    sections.append(s)

    facts = [o.facts() for o in objectives]
    summary = plan_progress(facts, end)
    s = Section(
        _("The mutual plan") if customer_safe else _("The account plan"),
        header=[_("objective"), _("status"), _("progress"), _("due")],
    )
    for o in objectives.order_by("status", "due_on", "pk"):
        f = o.facts()
        p = progress(f.start, f.current, f.target)
        s.rows.append(
            [
                o.title,
                str(o.get_status_display()),
                "—" if p is None else f"{round(100 * p)} %",
                _day(o.due_on),
            ]
        )
    s.lines.append(
        _("{achieved} of {objectives} objectives achieved.").format(
            achieved=summary.achieved, objectives=summary.objectives
        )
        if summary.progress is None
        else _("{achieved} of {objectives} objectives achieved, {percent} % of the way.").format(
            achieved=summary.achieved,
            objectives=summary.objectives,
            percent=round(100 * summary.progress),
        )
    )
    sections.append(s)
    made = _("Made by kamkit {version} on {day}").format(version=__version__, day=_day(end)) + (
        " · " + _("customer-safe version: only what is shared with the customer")
        if customer_safe
        else " · " + _("internal")
    )
    return ReviewPack(account, period, start, end, customer_safe, sections, made)


_PDF_TEXT = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "→": "->",
        "…": "...",
        "×": "x",
        "≠": "!=",
        "•": "-",
        "€": "EUR",
    }
)


def _latin1(text: str) -> str:
    """The PDF's core fonts hold Latin-1 (German umlauts and ß included): typographic
    punctuation is spelled plainly, anything else becomes '?'."""
    return str(text).translate(_PDF_TEXT).encode("latin-1", "replace").decode("latin-1")


UNICODE_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
"""Where a DejaVu Sans may be found (Debian, Fedora, macOS): with it every script prints;
without it the built-in Helvetica prints Latin-1 (``KAMKIT_PDF_FONT`` names another
TrueType font)."""


def _unicode_font() -> str | None:
    import os

    for path in (os.environ.get("KAMKIT_PDF_FONT", ""), *UNICODE_FONTS):
        if path and os.path.isfile(path):
            return path
    return None


def review_pdf(pack: ReviewPack) -> bytes:
    """The pack as a PDF (fpdf2, no network): in a Unicode TrueType font when the system
    has one, else in the built-in Helvetica (Latin-1)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    font = _unicode_font()
    family = "helvetica"
    text = _latin1
    if font:
        pdf.add_font("body", "", font)
        pdf.add_font("body", "B", font)  # one face: headings are set larger instead
        family, text = "body", str
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(text(_("{account}: review").format(account=pack.account.name)))
    pdf.set_creator("kamkit")
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    heading = (
        _("{account}: annual review") if pack.period == "year" else _("{account}: quarterly review")
    )
    pdf.multi_cell(
        0, 8, text(heading.format(account=pack.account.name)), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, size=9)
    pdf.multi_cell(
        0,
        5,
        text(
            _("{start} to {end}").format(start=_day(pack.start), end=_day(pack.end))
            + f" · {pack.made}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for section in pack.sections:
        pdf.ln(3)
        pdf.set_font(family, "B", 12)
        pdf.multi_cell(0, 7, text(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=10)
        if section.rows:
            with pdf.table(first_row_as_headings=bool(section.header), text_align="LEFT") as table:
                if section.header:
                    row = table.row()
                    for cell in section.header:
                        row.cell(text(cell))
                for values in section.rows:
                    row = table.row()
                    for cell in values:
                        row.cell(text(cell))
        for line in section.lines:
            pdf.multi_cell(0, 5, text(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
