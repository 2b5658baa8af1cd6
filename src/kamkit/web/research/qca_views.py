"""The fsQCA page (issue 21, item 4): choose the cases (diagnosis pairs or key accounts),
the outcome, the conditions and the raw columns' anchors; read the truth table, the
solution table with every tied model, necessity and an XY plot; download the analysis as
JSON, LaTeX, or the cases' memberships as CSV or XLSX. Read-only, so everything is a GET and an
analysis can be bookmarked and shared. For the supplier's KAM team and analysts, as the
research data; customers and internal partners get 404."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kamkit.core import qca as q
from kamkit.web.assessment.charts import xy_plot
from kamkit.web.diagnosis.models import DiagnosisProject
from kamkit.web.exports import table_response
from kamkit.web.labels import say

from .data import DatasetError, may_export
from .forms import QCA_SOURCE_LABELS, QCACasesForm, QCAForm
from .qca import account_cases, pair_cases

EXPORTS = ("json", "latex", "csv", "xlsx")
MAX_CASES_SHOWN = 8
"""A truth table row or term lists at most this many case names on the page (the
downloads list them all)."""

FIELDS = ("outcome", "conditions", "incl_cut", "n_cut", "dir_exp", "solution")


def _report_error(form: QCAForm, exc: q.QCAError) -> None:
    """The core's message (``field: problem``) at its field, in the reader's language."""
    head, sep, rest = str(exc).partition(": ")
    if not sep or not head.isidentifier():
        head, rest = "", str(exc)
    form.add_error(head if head in FIELDS else None, say(rest))


def qca_page(request: HttpRequest) -> HttpResponse:
    if not may_export(request.user):
        raise Http404
    projects = DiagnosisProject.objects.visible_to(request.user)
    chosen = QCACasesForm(request.GET or {"source": "pairs"}, projects=projects)
    cases = form = report = None
    status = 200
    if chosen.is_valid():
        opts = chosen.cleaned_data
        try:
            if opts["source"] == "accounts":
                cases = account_cases(request.user, opts["on"])
            else:
                cases = pair_cases(request.user, opts["projects"])
        except DatasetError as exc:
            field = exc.field if exc.field in chosen.fields else None
            chosen.add_error(field or "source", exc.message)
            status = 422
    else:
        status = 422
    if cases is not None:
        asked = "run" in request.GET
        form = QCAForm(request.GET if asked else None, cases=cases)
        if asked and form.is_valid():
            report = _analyse(form, cases)
            if report is None:
                status = 422
            elif (fmt := request.GET.get("export")) in EXPORTS:
                return _download(report, fmt)
        elif asked:
            status = 422
    context = {
        "chosen": chosen,
        "source_labels": QCA_SOURCE_LABELS,
        "cases": cases,
        "form": form,
        "report": report,
        "projects": projects,
        "max_cases_shown": MAX_CASES_SHOWN,
        "minus_shown": -MAX_CASES_SHOWN,
    }
    if report is not None:
        context.update(_presented(report, cases))
    return render(request, "research/qca.html", context, status=status)


def _analyse(form: QCAForm, cases) -> dict | None:
    data = form.cleaned_data
    outcome = data["outcome"]
    conditions = [c for c in cases.conditions if c in data["conditions"]]  # data order
    used = {outcome, *conditions}
    calibrations = [
        q.Calibration(column, anchors)
        for column, anchors in form.anchors().items()
        if column in used
    ]
    try:
        expectations = (
            q.parse_expectations(data["dir_exp"].split(","), conditions)
            if data["solution"] == "intermediate"
            else None
        )
        report = q.analyse(
            cases.columns,
            ("~" if data["negate"] else "") + outcome,
            conditions,
            case_names=cases.names,
            calibrations=calibrations,
            incl_cut=data["incl_cut"],
            n_cut=data["n_cut"],
            solution=data["solution"],
            dir_exp=expectations,
        )
    except q.QCAError as exc:
        _report_error(form, exc)
        return None
    report["settings"]["cases_from"] = cases.source
    report["settings"].update(cases.about)
    report["settings"]["columns"] = {c: cases.how.get(c, "") for c in [outcome, *conditions]}
    return report


def _presented(report: dict, cases) -> dict:
    """What the template needs beyond the report: the XY plot of the first model."""
    models = report["solution"]["models"]
    outcome = report["settings"]["outcome"]
    plot = None
    if models:
        points = [
            (c["case"], c["solutions"][0], c["outcome"])
            for c in report["cases"]
            if c["solutions"] and c["solutions"][0] is not None and c["outcome"] is not None
        ]
        plot = xy_plot(points, _("Solution M1"), outcome)
    return {"plot": plot, "models": models}


def _download(report: dict, fmt: str) -> HttpResponse:
    stem = f"kamkit-qca-{timezone.localdate():%Y-%m-%d}"
    if fmt == "json":
        body = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        name = f"{stem}.json"
    elif fmt == "latex":
        response = HttpResponse(q.report_latex(report), content_type="text/x-tex; charset=utf-8")
        name = f"{stem}.tex"
    else:
        conditions = report["settings"]["conditions"]
        count = len(report["solution"]["models"])
        header = ["case", report["settings"]["outcome"], *conditions]
        header += [f"M{i}" for i in range(1, count + 1)]
        rows = (
            [c["case"], c["outcome"], *[c["conditions"][k] for k in conditions], *c["solutions"]]
            for c in report["cases"]
        )
        return table_response("qca-cases", header, rows, fmt, kamkit_columns=False)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
