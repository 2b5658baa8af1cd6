"""The diagnosis in the web app: stored cases, each rendered by the core."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kamkit.core.diagnosis import CaseFileError, collector_paused, diagnose, parse_case
from kamkit.core.diagnosis.render import render as render_report

from .models import DiagnosisCase

DOWNLOADS = {
    "html": ("text/html; charset=utf-8", "html"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "latex": ("application/x-tex; charset=utf-8", "tex"),
}


def case_list(request: HttpRequest) -> HttpResponse:
    cases = DiagnosisCase.objects.visible_to(request.user)
    if cases.query.is_empty():  # roles without the diagnosis: nothing to hint at
        raise Http404
    rows = []
    for case in cases:
        try:
            result = diagnose(parse_case(case.source_yaml, source=case.title))
            rows.append((case, len(result.dyads), len(result.gaps()), None))
        except CaseFileError as exc:
            rows.append((case, None, None, str(exc)))
    return render(request, "diagnosis/list.html", {"rows": rows, "formats": DOWNLOADS})


def case_report(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    case = get_object_or_404(DiagnosisCase.objects.visible_to(request.user), pk=pk)
    if fmt not in DOWNLOADS:
        raise Http404
    try:
        with collector_paused():
            content = render_report(diagnose(parse_case(case.source_yaml, source=case.title)), fmt)
    except CaseFileError as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    content_type, ext = DOWNLOADS[fmt]
    response = HttpResponse(content, content_type=content_type)
    if fmt != "html" or "download" in request.GET:
        response["Content-Disposition"] = f'attachment; filename="diagnosis-{case.pk}.{ext}"'
    return response
