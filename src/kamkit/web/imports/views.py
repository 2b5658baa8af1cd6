"""The import page (issue 16): upload, preview, confirm, progress, result. KAM
directors and administrators only; the work runs in the background (tasks.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kamkit.web.users.models import Role

from .forms import UploadForm, safe_name
from .models import ImportRun
from .services import cancel_import, confirm_import, start_import
from .tasks import progress_of


def _allowed(request: HttpRequest) -> None:
    user = request.user
    if user.role == Role.CUSTOMER:
        raise Http404
    if not user.sees_all_accounts:
        raise PermissionDenied("imports are for KAM directors and administrators")


def imports(request: HttpRequest) -> HttpResponse:
    """Upload files for a new import, and the earlier imports."""
    _allowed(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            run = start_import(
                request.user,
                {safe_name(f.name): f.chunks() for f in data["files"]},
                source=data["source"],
                skip_invalid=data["skip_invalid"],
                keep_body=data["keep_body"],
            )
            return redirect("imports:detail", pk=run.pk)
        status = 422
    page = Paginator(ImportRun.objects.select_related("created_by"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "imports/list.html", {"form": form, "page": page}, status=status)


@never_cache  # its progress is read from a file the worker writes, not from the database
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it works (htmx polls the partial), its preview
    with each rejected row's reason, the confirm button, and the result."""
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk)
    context = {"run": run, "progress": progress_of(run) if run.working else {}}
    if request.htmx and request.GET.get("part") == "progress":
        if not run.working:  # done: the whole page shows the preview or result
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "imports/partials/progress.html", context)
    return render(request, "imports/detail.html", context)


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import what the preview showed (only a ready preview can be confirmed)."""
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk)
    if not confirm_import(request.user, run):
        messages.error(request, _("This import is not waiting for a confirmation."))
    return redirect("imports:detail", pk=run.pk)


@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Drop a previewed import: nothing was written; its files are deleted."""
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk)
    if cancel_import(request.user, run):
        messages.success(request, _("Cancelled: nothing was imported."))
    return redirect("imports:list")
