"""The diagnosis in the web app: stored cases, each rendered by the core."""

from __future__ import annotations

import base64
import hashlib
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kamkit.core.diagnosis import CaseFileError, Diagnosis, collector_paused
from kamkit.core.diagnosis.render import render as render_report
from kamkit.core.diagnosis.render.html import render_html
from kamkit.core.diagnosis.subset import pages, restrict
from kamkit.web.base import errors_on_form
from kamkit.web.labels import say

from .forms import CaseForm
from .models import DiagnosisCase, DiagnosisProject, GapAction, reads_diagnosis
from .project_views import diagnosed
from .services import delete_case, may_store, store_case

DOWNLOADS = {
    "html": ("text/html; charset=utf-8", "html"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "latex": ("application/x-tex; charset=utf-8", "tex"),
}


def style_hashes(html: str) -> list[str]:
    """CSP sources for the ``<style>`` elements of a page: the report is one file with its
    styles inline (so it works saved and mailed); in the app the policy allows exactly
    these (the page was unstyled under it, issue 18), never any other inline style."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode() + "'"
        for css in re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    ]


MAX_GAPS_LISTED = 200
"""Gaps listed above the report with a link each (kamkit assumption: the report itself
lists every one; a study of 10,000 pairs has thousands)."""


def _action_counts(case: DiagnosisCase) -> dict[tuple[str, str], int]:
    if case.project_id is None:
        return {}
    counts = (
        GapAction.objects.filter(project_id=case.project_id)
        .values_list("kam", "partner")
        .annotate(n=Count("pk"))
    )
    return {(k, p): n for k, p, n in counts}


REPORT_PAGE_PAIRS = 500
"""The most pairs the in-app report shows at once (kamkit assumption: about 1 MB of page;
a wave of 10,000 pairs is 23 MB as one report)."""


def _paging(whole: Diagnosis, paged: list[tuple[str, ...]], number: int) -> dict:
    names = whole.case.unit_names()
    return {
        "number": number,
        "count": len(paged),
        "units": len(whole.kam_units),
        "pairs": len(whole.dyads),
        "first": sum(len(p) for p in paged[: number - 1]) + 1,
        "last": sum(len(p) for p in paged[:number]),
        "pages": [
            (n, names[p[0]] + (f" … {names[p[-1]]}" if len(p) > 1 else ""))
            for n, p in enumerate(paged, start=1)
        ],
    }


def _page_number(request: HttpRequest, count: int) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404 from None
    if not 1 <= number <= count:
        raise Http404
    return number


def _in_app(request: HttpRequest, case: DiagnosisCase, whole: Diagnosis) -> HttpResponse:
    """The report inside the app's shell (navigation, breadcrumbs, downloads): the very
    report the command line writes, in a shadow root of its own, so its styles and the
    app's leave each other alone (its ``:root`` colours become the shadow root's
    ``:host``). A wave of more than ``REPORT_PAGE_PAIRS`` pairs is shown a page of KAM
    units at a time; the downloads hold the whole."""
    paged = pages(whole, REPORT_PAGE_PAIRS) if len(whole.dyads) > REPORT_PAGE_PAIRS else []
    number = _page_number(request, len(paged)) if paged else 1
    result = restrict(whole, paged[number - 1]) if paged else whole

    def mark_link(kam: str, partner: str, dimension: str) -> str:
        return reverse("diagnosis:pair", args=[case.pk, kam, partner]) + f"#dim-{dimension}"

    with collector_paused():
        report = render_html(result, mark_link=mark_link, say=say, language=get_language() or "en")
    css = "".join(re.findall(r"<style>(.*?)</style>", report, flags=re.S))
    gaps = [d for d in result.dyads if d.gap or d.gap_possible]
    listed = gaps[:MAX_GAPS_LISTED]
    counts = _action_counts(case)
    body = re.search(r"<main>(.*)</main>", report, flags=re.S)
    response = render(
        request,
        "diagnosis/report.html",
        {
            "case": case,
            "css": mark_safe(css.replace(":root", ":host")),  # the core's own CSS
            "body": mark_safe(body.group(1) if body else ""),  # escaped by the core (Jinja)
            "formats": DOWNLOADS,
            "to_act_on": [(d, counts.get((d.kam, d.partner), 0)) for d in listed],
            "gap_count": len(gaps),
            "may_add": may_store(request.user),
            "paging": _paging(whole, paged, number) if paged else None,
        },
    )
    response._csp_update = {"style-src": style_hashes(response.content.decode())}
    return response


def case_list(request: HttpRequest) -> HttpResponse:
    if not reads_diagnosis(request.user):  # roles without the diagnosis: nothing to hint at
        raise Http404
    latest = DiagnosisCase.objects.filter(project=OuterRef("pk")).order_by("-wave_on", "-pk")
    projects = (
        DiagnosisProject.objects.visible_to(request.user)
        .select_related("kam_unit")
        .annotate(
            wave_count=Count("waves"),
            latest_on=Subquery(latest.values("wave_on")[:1]),
            latest_gaps=Subquery(latest.values("gaps")[:1]),
        )
    )
    rows = []
    singles = DiagnosisCase.objects.visible_to(request.user).filter(project=None)
    for case in singles.defer("source_yaml"):
        if case.pairs is not None:  # figures kept when it was stored
            rows.append((case, case.pairs, case.gaps, None))
            continue
        try:  # stored before they were kept, or by the admin: diagnosed here
            result = diagnosed(DiagnosisCase.objects.get(pk=case.pk))
            rows.append((case, len(result.dyads), len(result.gaps()), None))
        except CaseFileError as exc:
            rows.append((case, None, None, str(exc)))
    return render(
        request,
        "diagnosis/list.html",
        {
            "projects": projects,
            "rows": rows,
            "formats": DOWNLOADS,
            "may_add": may_store(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Add a case: upload its case file or paste its text; it is stored once the core
    accepts it, and the page lists every located problem otherwise."""
    if not may_store(request.user):  # the others never learn the page exists
        raise Http404
    form = CaseForm(request.POST, request.FILES) if request.method == "POST" else CaseForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = store_case(request.user, data["source"], data["title"], data["name"])
        except ValidationError as exc:
            pasted = data["name"] == "pasted text"  # its problems go under the text
            errors_on_form(form, exc, {"file": "text"} if pasted else None)
        else:
            messages.success(request, _("Stored “{title}”.").format(title=case.title))
            return redirect("diagnosis:report", pk=case.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "diagnosis/new.html", {"form": form}, status=status)


def case_source(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored case file itself, to edit and run again (``kamkit diagnose``)."""
    case = get_object_or_404(DiagnosisCase.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(case.source_yaml, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}.yaml"'
    return response


def case_report(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    case = get_object_or_404(DiagnosisCase.objects.visible_to(request.user), pk=pk)
    if fmt not in DOWNLOADS:
        raise Http404
    try:
        result = diagnosed(case)
    except CaseFileError as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    if fmt == "html" and "download" not in request.GET and "standalone" not in request.GET:
        return _in_app(request, case, result)
    with collector_paused():
        content = render_report(result, fmt)
    content_type, ext = DOWNLOADS[fmt]
    response = HttpResponse(content, content_type=content_type)
    if fmt == "html":  # the self-contained report's own style sheet, allowed by its hash
        response._csp_update = {"style-src": style_hashes(content)}
    if fmt != "html" or "download" in request.GET:
        response["Content-Disposition"] = f'attachment; filename="diagnosis-{case.pk}.{ext}"'
    return response


@require_http_methods(["GET", "POST"])
def case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a case for good (GET: the question; POST: the deletion)."""
    case = get_object_or_404(DiagnosisCase.objects.visible_to(request.user), pk=pk)
    if not may_store(request.user):
        raise Http404
    if request.method == "POST":
        delete_case(request.user, case)
        messages.success(request, _("Deleted “{title}”.").format(title=case.title))
        if case.project_id:
            return redirect("diagnosis:project", pk=case.project_id)
        return redirect("diagnosis:list")
    return render(request, "diagnosis/delete.html", {"case": case})
