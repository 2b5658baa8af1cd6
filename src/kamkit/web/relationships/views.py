"""The account timeline, quick logging of interactions, one-click problem stages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kamkit.core import relationships as rules
from kamkit.web.accounts.models import Account, can
from kamkit.web.base import StaleVersion, save_versioned

from .forms import InitiativeForm, InteractionForm
from .models import JointInitiative, Problem
from .services import move_problem_stage
from .timeline import PROCESSES, build_timeline


def _account(request: HttpRequest, pk: int) -> Account:
    return get_object_or_404(Account.objects.visible_to(request.user), pk=pk)


def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline partial (htmx), filtered by process and side."""
    account = _account(request, pk)
    process = request.GET.get("process") or None
    side = request.GET.get("side") or None
    if process not in (None, *PROCESSES) or side not in (None, *rules.SIDES):
        return HttpResponse("Unknown filter.", status=400)
    return render(
        request,
        "relationships/partials/timeline.html",
        {
            "account": account,
            "entries": build_timeline(account, request.user, process, side),
            "can_change": can(request.user, "change", account),
            "next_stage": rules.next_stage,
        },
    )


@require_POST
def log_interaction(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    if not can(request.user, "change", account):
        raise PermissionDenied
    form = InteractionForm(request.POST, account=account)
    if form.is_valid():
        interaction = form.save(commit=False)
        interaction.account = account
        interaction.logged_by = request.user
        interaction.save()
        form.save_m2m()
        messages.success(request, "Logged.")
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "relationships/partials/log_form.html",
        {"account": account, "log_form": form},
        status=422,
    )


@require_POST
def advance_problem(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(
        Problem.objects.visible_to(request.user).select_related("account"), pk=pk
    )
    if not can(request.user, "change", problem.account):
        raise PermissionDenied
    stage = request.POST.get("stage") or rules.next_stage(problem.stage) or ""
    if message := move_problem_stage(problem, stage, None, request.user):
        messages.error(request, message)
    else:
        messages.success(
            request, f"“{problem.title}” is now {problem.get_stage_display().lower()}."
        )
    return redirect("accounts:detail", pk=problem.account_id)


def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an initiative: both sides' contributions and value side by side."""

    initiative = get_object_or_404(
        JointInitiative.objects.visible_to(request.user).select_related("account"), pk=pk
    )
    if not can(request.user, "change", initiative.account):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = InitiativeForm(request.POST, instance=initiative)
        if form.is_valid():
            try:
                save_versioned(initiative, form.changes(), form.cleaned_data["version"])
                messages.success(request, f"Saved “{initiative.title}”.")
                return redirect("accounts:detail", pk=initiative.account_id)
            except StaleVersion as exc:
                form.add_error(None, str(exc))
                status = 409
        else:
            status = 422
    else:
        form = InitiativeForm(instance=initiative)
    return render(
        request,
        "relationships/initiative_edit.html",
        {"initiative": initiative, "form": form},
        status=status,
    )
