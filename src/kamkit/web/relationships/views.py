"""Working on an account: the timeline, quick logging of interactions, one-click problem
stages, editing initiatives and problems, pulses, preferences and phase statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from kamkit.core import relationships as rules
from kamkit.core.lifecycle.phases import PhaseStatement, effective_phase
from kamkit.web.accounts.models import Account, can
from kamkit.web.base import errors_on_form, form_write, local_next, save_versioned
from kamkit.web.labels import PHASE_LABELS, SOURCE_LABELS, decap
from kamkit.web.search.services import BadQuery, clean_query
from kamkit.web.users.models import Role

from . import services as work
from .forms import (
    CommentForm,
    DeclineDecisionForm,
    InitiativeForm,
    InteractionForm,
    PhaseForm,
    PreferenceForm,
    ProblemForm,
    PulseForm,
    RaiseProblemForm,
    UndoStageForm,
)
from .models import (
    CommunicationPreference,
    DeclineDecision,
    Interaction,
    JointInitiative,
    PhaseRecord,
    Problem,
)
from .perception import perception_context
from .services import move_problem_stage, record_decline_decision
from .timeline import PROCESSES, Cursor, build_timeline


def _back_to_account(request: HttpRequest, account: Account) -> HttpResponse:
    """After an htmx form on the account page succeeds, the whole page reloads (so the
    timeline and the message show); a plain form post gets a normal redirect."""
    url = reverse("accounts:detail", kwargs={"pk": account.pk})
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _account(request: HttpRequest, pk: int) -> Account:
    return get_object_or_404(Account.objects.visible_to(request.user), pk=pk)


PAGE = 25
"""Timeline entries per page (kamkit assumption: a screen or two on a phone; each "show
more" asks for the next 25 after the last one shown)."""


def timeline_context(
    account: Account,
    user,
    process: str | None = None,
    side: str | None = None,
    after: Cursor | None = None,
    text: str | None = None,
) -> dict:
    """The ``PAGE`` timeline entries after ``after`` (the newest when None) and the
    cursor of the next page, if there is one."""
    entries = build_timeline(account, user, process, side, limit=PAGE + 1, after=after, text=text)
    return {
        "entries": entries[:PAGE],
        "more_after": str(entries[PAGE - 1].cursor) if len(entries) > PAGE else None,
        "filters": {"process": process or "", "side": side or "", "q": text or ""},
    }


def timeline_filters(query) -> tuple[str | None, str | None, str | None]:
    """The timeline's process, side and search words from a query (the page, its
    "show more" and its download), or BadQuery saying what is wrong."""
    process = query.get("process") or None
    side = query.get("side") or None
    if process not in (None, *PROCESSES) or side not in (None, *rules.SIDES):
        raise BadQuery("Unknown filter.")
    text = clean_query(query["q"]) if query.get("q", "").strip() else None
    return process, side, text


def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline partial (htmx), filtered by process and side; with ``after``, only
    the next page after that cursor, which replaces the "show more" button."""
    account = _account(request, pk)
    try:
        process, side, text = timeline_filters(request.GET)
    except BadQuery as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    after = None
    if raw := request.GET.get("after"):
        after = Cursor.parse(raw)
        if after is None:
            return HttpResponse(
                "after must be a timeline position (from the Show more button).", status=400
            )
    return render(
        request,
        "relationships/partials/timeline_page.html"
        if after
        else "relationships/partials/timeline.html",
        {
            "account": account,
            **timeline_context(account, request.user, process, side, after, text),
            "can_change": can(request.user, "change", account),
        },
    )


@require_POST
def log_interaction(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    if not can(request.user, "change", account):
        raise PermissionDenied
    form = InteractionForm(request.POST, account=account)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("participants", "version")}
        try:
            work.log_interaction(request.user, account, data, form.cleaned_data["participants"])
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(request, _("Logged."))
            return _back_to_account(request, account)
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
    stage = request.POST.get("stage") or problem.next_move or rules.next_stage(problem.stage) or ""
    on = None
    if raw := request.POST.get("on"):
        try:
            on = dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("“{raw}” is not a date like 2026-11-20.").format(raw=raw))
            return redirect("relationships:problem_edit", pk=problem.pk)
    if message := move_problem_stage(problem, stage, on, request.user):
        messages.error(request, message)
    else:
        messages.success(
            request,
            _("“{title}” is now {stage}.").format(
                title=problem.title, stage=decap(problem.get_stage_display())
            ),
        )
    return redirect("accounts:detail", pk=problem.account_id)


def _save_form(
    request: HttpRequest,
    form,
    obj,
    also: Callable[[], None] | None = None,
    service: Callable | None = None,
) -> int:
    """Validate a versioned form and save it through ``service(user, obj, changes,
    version)`` (default: a versioned save; and ``also`` in the same transaction). Returns
    0 when saved, else the status to answer with the form: 422 when invalid, 409 when
    someone saved in between (the form then says so; nothing is written)."""
    if not form.is_valid():
        return 422

    def write() -> None:
        with transaction.atomic():
            if service:
                service(request.user, obj, form.changes(), form.cleaned_data["version"])
            else:
                save_versioned(obj, form.changes(), form.cleaned_data["version"], request.user)
            if also:
                also()

    return form_write(form, write)


def new_problem(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise a problem from the supplier's side (issue 15), through ``raise_problem``."""
    account = _changeable_account(request, pk)
    form = RaiseProblemForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = work.raise_problem(
                request.user,
                account,
                title=data["title"],
                framing=data["framing"],
                raised_on=data["raised_on"],
                shared=data["shared"],
                participants=data["participants"],
            )
        except ValidationError as exc:
            errors_on_form(form, exc, {"supplier_framing": "framing"})
        else:
            told = " " + _("The customer's people have been told.") if problem.shared else ""
            messages.success(
                request, _("Raised “{title}”.{told}").format(title=problem.title, told=told)
            )
            return redirect("relationships:problem_edit", pk=problem.pk)
    return render(
        request,
        "relationships/new_problem.html",
        {"account": account, "form": form},
        status=422 if request.method == "POST" else 200,
    )


def new_initiative(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a joint initiative from the supplier's side, through ``create_initiative``."""
    account = _changeable_account(request, pk)
    form = InitiativeForm(request.POST or None, instance=JointInitiative(account=account))
    form.fields["version"].required = False
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in InitiativeForm.Meta.fields}
        try:
            initiative = work.create_initiative(request.user, account, data)
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(request, _("Started “{title}”.").format(title=initiative.title))
            return redirect("relationships:initiative_edit", pk=initiative.pk)
    return render(
        request,
        "relationships/new_initiative.html",
        {"account": account, "form": form},
        status=422 if request.method == "POST" else 200,
    )


def _problem_for_work(request: HttpRequest, pk: int) -> Problem:
    problem = get_object_or_404(
        Problem.objects.visible_to(request.user).select_related("account"), pk=pk
    )
    if not can(request.user, "change", problem.account):
        raise PermissionDenied
    return problem


@require_POST
def comment_problem(request: HttpRequest, pk: int) -> HttpResponse:
    """Reply on a problem's shared thread, or add an internal note."""
    problem = _problem_for_work(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            work.comment_on_problem(
                request.user,
                problem,
                form.cleaned_data["text"],
                internal=form.cleaned_data["internal"],
            )
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(
                request,
                _("Internal note added.")
                if form.cleaned_data["internal"]
                else _("Reply added; the customer's people have been told.")
                if problem.shared
                else _("Reply added."),
            )
            return redirect(reverse("relationships:problem_edit", kwargs={"pk": pk}) + "#thread")
    return _problem_page(request, problem, comment_form=form, status=422)


@require_POST
def agree_definition(request: HttpRequest, pk: int) -> HttpResponse:
    """Our side's agreement on the problem's definition, or, while the customer has no
    login, the customer's as we heard it (``for_customer``)."""
    problem = _problem_for_work(request, pk)
    try:
        work.agree_definition(
            request.user, problem, for_customer=request.POST.get("for_customer") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(
            request,
            _("Both sides agree: the problem is jointly defined.")
            if problem.stage == "jointly_defined"
            else _("Agreement recorded; the other side's agreement is still needed."),
        )
    return redirect(reverse("relationships:problem_edit", kwargs={"pk": pk}) + "#definition")


@require_POST
def undo_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back the problem's last stage move, with a reason."""
    problem = _problem_for_work(request, pk)
    form = UndoStageForm(request.POST)
    if form.is_valid():
        try:
            undone = work.undo_stage_move(request.user, problem, form.cleaned_data["reason"])
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(
                request,
                _("Moved back to {back_to}; the undone move is kept in the history.").format(
                    back_to=decap(undone.get_back_to_display())
                ),
            )
            return redirect("relationships:problem_edit", pk=pk)
    return _problem_page(request, problem, undo_form=form, status=422)


def interaction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a logged contact (with the version loaded), see who changed it, delete it."""
    interaction = get_object_or_404(
        Interaction.objects.visible_to(request.user).select_related("account"), pk=pk
    )
    account = interaction.account
    if not can(request.user, "change", account):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        original = interaction.occurred_at  # validating the form writes onto the instance
        form = InteractionForm(request.POST, instance=interaction, account=account)
        form.fields["version"].required = True
        if form.is_valid():
            fields = [f for f in InteractionForm.Meta.fields if f != "participants"]
            if form.cleaned_data["occurred_at"] == original.replace(second=0, microsecond=0):
                form.cleaned_data["occurred_at"] = original  # the form shows whole minutes
            status = form_write(
                form,
                lambda: work.edit_interaction(
                    request.user,
                    interaction,
                    {f: form.cleaned_data[f] for f in fields},
                    form.cleaned_data["version"],
                    form.cleaned_data["participants"],
                ),
            )
            if not status:
                messages.success(request, _("Saved."))
                return redirect("accounts:detail", pk=account.pk)
        else:
            status = 422
    else:
        form = InteractionForm(instance=interaction, account=account)
    return render(
        request,
        "relationships/interaction_edit.html",
        {
            "interaction": interaction,
            "form": form,
            "history": _changes(interaction),
        },
        status=status,
    )


def _changes(record, limit: int = 20) -> list[tuple[object, list[str]]]:
    """The record's history, newest first, each entry with the fields it changed by their
    labels in the reader's language (the bookkeeping fields left out)."""
    skip = {"version", "updated_at", "deleted_at"}  # a deletion says "deleted" below
    meta = type(record)._meta
    out = []
    for h in record.history.select_related("history_user")[:limit]:
        previous = h.prev_record
        fields = []
        if previous is not None:
            fields = [
                meta.get_field(c.field).verbose_name
                for c in h.diff_against(previous).changes
                if c.field not in skip
            ]
            if h.deleted_at and not previous.deleted_at:
                fields.append(_("deleted"))
            elif previous.deleted_at and not h.deleted_at:
                fields.append(_("restored"))
        out.append((h, fields))
    return out


def _entry(request: HttpRequest, kind: str, pk: int, deleted: bool):
    model = work.ENTRY_KINDS.get(kind)
    if model is None:
        raise Http404
    qs = model.objects.deleted() if deleted else model.objects.alive()
    record = get_object_or_404(
        qs.filter(account__in=Account.objects.visible_to(request.user).values("pk")), pk=pk
    )
    if request.user.role == Role.CUSTOMER:
        raise Http404  # the customer's own entries are changed in the portal
    return record


def entry_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Correct a pulse or a phase statement our side recorded (contacts have their own
    page), with who changed what."""
    if kind not in ("pulse", "phase"):
        raise Http404
    record = _entry(request, kind, pk, deleted=False)
    work.check_entry(request.user, record)  # 403 for what is not ours to change
    account = record.account
    form_class = PulseForm if kind == "pulse" else PhaseForm
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, instance=record, account=account)
        form.fields["version"].required = True
        if form.is_valid():
            changes = {f: form.cleaned_data[f] for f in form_class.Meta.fields}
            stored = type(record).objects.get(pk=record.pk)
            status = form_write(
                form,
                lambda: work.edit_entry(
                    request.user, stored, changes, form.cleaned_data["version"]
                ),
            )
            if not status:
                messages.success(request, _("Saved."))
                return redirect("accounts:detail", pk=account.pk)
        else:
            status = 422
    else:
        form = form_class(instance=record, account=account)
    return render(
        request,
        "relationships/entry_edit.html",
        {"record": record, "kind": kind, "form": form, "history": _changes(record)},
        status=status,
    )


@require_POST
def delete_entry(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Delete a timeline entry (restorable); the account page offers Undo."""
    record = _entry(request, kind, pk, deleted=False)
    work.delete_entry(request.user, record)
    return redirect(
        reverse("accounts:detail", kwargs={"pk": record.account_id}) + f"?deleted={kind}:{pk}"
    )


@require_POST
def restore_entry(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _entry(request, kind, pk, deleted=True)
    work.restore_entry(request.user, record)
    messages.success(request, _("Restored: {record}.").format(record=record))
    return redirect("accounts:detail", pk=record.account_id)


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
        if not (status := _save_form(request, form, initiative, service=work.update_initiative)):
            messages.success(request, _("Saved “{title}”.").format(title=initiative.title))
            return redirect("accounts:detail", pk=initiative.account_id)
    else:
        form = InitiativeForm(instance=initiative)
    return render(
        request,
        "relationships/initiative_edit.html",
        {"initiative": initiative, "form": form, **_internal_units_context(initiative)},
        status=status,
    )


def _internal_units_context(record) -> dict:
    from kamkit.web.accounts.models import InternalUnit

    return {
        "all_units": list(InternalUnit.objects.all()),
        "involved": {u.pk for u in record.internal_units.all()},
    }


@require_POST
def internal_units(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Save which internal units a problem or an initiative involved (the supplier's
    team; the customer never sees it)."""
    models = {"problems": Problem, "initiatives": JointInitiative}
    if kind not in models:
        raise Http404
    record = get_object_or_404(
        models[kind].objects.visible_to(request.user).select_related("account"), pk=pk
    )
    if not can(request.user, "change", record.account):
        raise PermissionDenied
    try:
        ids = [int(v) for v in request.POST.getlist("internal_units")]
    except ValueError:
        ids = None
    try:
        if ids is None:
            raise ValidationError({"internal_units": "expected the ids of internal units"})
        found = work.set_internal_units(request.user, record, ids)
    except ValidationError as exc:
        messages.error(request, " ".join(" ".join(m) for m in exc.message_dict.values()))
    else:
        names = ", ".join(u.name for u in found) or "none"
        messages.success(request, _("Internal units involved: {names}.").format(names=names))
    target = "relationships:problem_edit" if kind == "problems" else "relationships:initiative_edit"
    return redirect(reverse(target, args=[record.pk]) + "#internal-units")


def _changeable_account(request: HttpRequest, pk: int) -> Account:
    """An account the user sees (404 otherwise) and may work on (403 otherwise)."""
    account = _account(request, pk)
    if not can(request.user, "change", account):
        raise PermissionDenied
    return account


def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem: both sides' framing side by side, participants, outcome, lessons, and
    its stages with their dates."""
    problem = get_object_or_404(
        Problem.objects.visible_to(request.user).select_related("account"), pk=pk
    )
    if not can(request.user, "change", problem.account):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ProblemForm(request.POST, instance=problem)

        def edit(user, obj, changes: dict, version: int) -> None:
            # validating the form wrote onto the instance: the service compares with the
            # record as stored
            stored = Problem.objects.select_related("account").get(pk=obj.pk)
            work.edit_problem(user, stored, changes, version, form.cleaned_data["participants"])

        if not (status := _save_form(request, form, problem, service=edit)):
            messages.success(request, _("Saved “{title}”.").format(title=problem.title))
            return redirect("accounts:detail", pk=problem.account_id)
    else:
        form = ProblemForm(instance=problem)
    return _problem_page(request, problem, form=form, status=status)


def _problem_page(
    request: HttpRequest,
    problem: Problem,
    *,
    form=None,
    comment_form=None,
    undo_form=None,
    status: int = 200,
) -> HttpResponse:
    """The problem page: stages (with the last move's undo), the conversation (shared
    thread and internal notes), both framings and the rest of the record."""
    from .models import ProblemComment

    reached = {c.stage: c for c in problem.stage_changes.select_related("changed_by")}
    stages = [
        (key, label, reached.get(key)) for key, label in Problem._meta.get_field("stage").choices
    ]
    return render(
        request,
        "relationships/problem_edit.html",
        {
            "problem": problem,
            "form": form or ProblemForm(instance=problem),
            "stages": stages,
            "comments": ProblemComment.objects.visible_to(request.user)
            .filter(problem=problem)
            .select_related("author"),
            "comment_form": comment_form or CommentForm(),
            "undo_form": undo_form or UndoStageForm(),
            "can_undo": len(reached) > 1,
            **_internal_units_context(problem),
            "definition_missing": work._definition_missing(problem),
            "we_record_customer": not work.customer_frames_itself(problem.account),
            "undone": problem.undone_moves.select_related("undone_by", "changed_by"),
        },
        status=status,
    )


@require_POST
def record_pulse(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a pulse heard from a person of either side (htmx form on the account page)."""
    account = _changeable_account(request, pk)
    form = PulseForm(request.POST, account=account)
    if form.is_valid():
        try:
            work.record_pulse(request.user, account, form.cleaned_data)
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(request, _("Pulse recorded."))
            return _back_to_account(request, account)
    return render(
        request,
        "relationships/partials/pulse_form.html",
        {"account": account, "pulse_form": form},
        status=422,
    )


def preferences(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's communication preferences, and adding one."""
    account = _changeable_account(request, pk)
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST, account=account)
        if form.is_valid():
            fields = PreferenceForm.Meta.fields
            try:
                work.set_preferences(
                    request.user, account, {f: form.cleaned_data[f] for f in fields}
                )
            except ValidationError as exc:
                errors_on_form(form, exc)
            else:
                messages.success(request, _("Preference saved."))
                return redirect("relationships:preferences", pk=account.pk)
        status = 422
    else:
        form = PreferenceForm(account=account)
    items = (
        CommunicationPreference.objects.visible_to(request.user)
        .filter(account=account)
        .select_related("person")
    )
    return render(
        request,
        "relationships/preferences.html",
        {"account": account, "form": form, "items": items},
        status=status,
    )


def preference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pref = get_object_or_404(
        CommunicationPreference.objects.visible_to(request.user).select_related("account"),
        pk=pk,
    )
    account = _changeable_account(request, pref.account_id)
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST, instance=pref, account=account)

        def change(user, obj, changes: dict, version: int) -> None:
            stored = CommunicationPreference.objects.get(pk=obj.pk)
            work.set_preferences(user, account, changes, stored, version)

        if not (status := _save_form(request, form, pref, service=change)):
            messages.success(request, _("Preference saved."))
            return redirect("relationships:preferences", pk=account.pk)
    else:
        form = PreferenceForm(instance=pref, account=account)
    return render(
        request,
        "relationships/preference_edit.html",
        {"account": account, "form": form, "pref": pref},
        status=status,
    )


def decline_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Revive or wind down a declining account (SPEC §2.3), with every earlier decision.
    The KAM director and the account's KA manager decide; anyone else who sees the
    account gets 403, a customer 404."""
    account = _changeable_account(request, pk)
    status = 200
    form = DeclineDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_decline_decision(
                account,
                form.cleaned_data["decision"],
                form.cleaned_data["reason"],
                request.user,
                form.cleaned_data["decided_on"],
            )
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Recorded: {decision}. The account's assessment and the plan follow the "
                    "decision from now on."
                ).format(decision=decap(account.get_decline_decision_display())),
            )
            return redirect("relationships:decline_decision", pk=account.pk)
    if request.method == "POST":
        status = 422
    return render(
        request,
        "relationships/decline_decision.html",
        {
            "account": account,
            "form": form,
            "records": DeclineDecision.objects.visible_to(request.user)
            .filter(account=account)
            .select_related("decided_by"),
        },
        status=status,
    )


def phases(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's phase: where it comes from, both sides' views, every statement, and
    recording a new one (a self-identification with the descriptions, or a decision)."""
    account = _changeable_account(request, pk)
    status = 200
    if request.method == "POST":
        form = PhaseForm(request.POST, account=account)
        if form.is_valid():
            data = form.cleaned_data
            try:
                work.record_phase_view(
                    request.user,
                    account,
                    data["phase"],
                    source=data["source"],
                    person=data["person"],
                    recorded_on=data["recorded_on"],
                    note=data["note"],
                )
            except ValidationError as exc:
                errors_on_form(form, exc)
            else:
                account.refresh_from_db()
                messages.success(
                    request,
                    _("Recorded. The account is now treated as {phase} ({source}).").format(
                        phase=account.get_phase_display(), source=account.phase_source_label
                    ),
                )
                return redirect("relationships:phases", pk=account.pk)
        status = 422
    else:
        form = PhaseForm(account=account)
    records = (
        PhaseRecord.objects.visible_to(request.user)
        .filter(account=account)
        .select_related("person", "recorded_by")
    )
    effective = effective_phase(
        PhaseStatement(r.phase, r.source, r.recorded_on, tuple(r.reasons or ()))
        for r in sorted(records, key=lambda r: (r.recorded_on, r.pk))
    )
    from kamkit.web.assessment.models import PendingPhaseChange
    from kamkit.web.assessment.services import configuration

    return render(
        request,
        "relationships/phases.html",
        {
            "account": account,
            "pending": PendingPhaseChange.objects.filter(account=account).first(),
            "pending_wait": configuration().phase_change_min_days,
            "form": form,
            "records": records,
            "effective": effective,
            "names": {
                "value": PHASE_LABELS.get(effective.value or ""),
                "source": SOURCE_LABELS.get(effective.source or ""),
                "supplier": PHASE_LABELS.get(effective.supplier_view or ""),
                "customer": PHASE_LABELS.get(effective.customer_view or ""),
            },
        },
        status=status,
    )


def perception(request: HttpRequest, pk: int) -> HttpResponse:
    """The perception gap: both sides' ratings and phase views side by side (supplier)."""
    account = _account(request, pk)
    if request.user.role == Role.CUSTOMER:
        raise PermissionDenied
    return render(
        request,
        "relationships/perception.html",
        {
            **perception_context(account),
            "for_customer": False,
            "can_change": can(request.user, "change", account),
        },
    )


@require_POST
def share_perception(request: HttpRequest, pk: int) -> HttpResponse:
    """The KA manager shares the comparison with the customer's people, or stops."""
    account = _changeable_account(request, pk)
    shared = request.POST.get("shared")
    if shared not in ("0", "1"):
        return HttpResponse("shared must be 0 or 1.", status=400)
    if account.perception_shared != (shared == "1"):
        account.perception_shared = shared == "1"
        account.save(update_fields=["perception_shared", "updated_at"])
    messages.success(
        request,
        _("The customer's people now see this comparison.")
        if account.perception_shared
        else _("The comparison is no longer shown to the customer."),
    )
    return redirect("relationships:perception", pk=account.pk)


def _supplier_account(request: HttpRequest, pk: int) -> Account:
    """An account the user sees, on the supplier's side (a customer learns nothing of the
    map: 404)."""
    if request.user.role == Role.CUSTOMER:
        raise Http404
    return _account(request, pk)


def stakeholders(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's stakeholder map: the customer's org chart with buying roles,
    attitudes and influence, who of ours knows whom and how fresh the tie is, and the
    warnings (issue 20). Printable; readable on a phone."""
    from kamkit.core import stakeholders as rules_map

    from .stakeholders import account_map

    account = _supplier_account(request, pk)
    result = account_map(account)
    context = {
        "account": account,
        "map": result,
        "may_edit": can(request.user, "change", account),
        "fresh_days": rules_map.FRESH_DAYS,
        "stale_days": rules_map.STALE_DAYS,
    }
    return render(request, "relationships/stakeholders.html", context)


def stakeholder_edit(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    """Place a customer person on the map (our judgement; through ``update_person``)."""
    from kamkit.web.accounts.models import Person
    from kamkit.web.accounts.services import update_person

    from .forms import StakeholderForm

    account = _supplier_account(request, pk)
    if not can(request.user, "change", account):
        raise PermissionDenied
    who = get_object_or_404(Person.objects.alive().filter(account=account), pk=person)
    status = 200
    if request.method == "POST":
        form = StakeholderForm(request.POST, instance=who)
        if not (status := _save_form(request, form, who, service=update_person)):
            messages.success(request, _("{name} placed on the map.").format(name=who.name))
            return redirect(
                reverse("relationships:stakeholders", kwargs={"pk": account.pk})
                + f"#person-{who.pk}"
            )
    else:
        form = StakeholderForm(instance=who)
    return render(
        request,
        "relationships/stakeholder_edit.html",
        {"account": account, "person": who, "form": form},
        status=status,
    )


def account_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The account plan (issue 20): objectives with their targets, progress, reviews,
    linked initiatives and problems, and comments. The customer sees the shared ones
    (the mutual plan) and comments on them; the supplier's team adds and edits."""
    from kamkit.core.plan import next_review, plan_progress, progress

    from .forms import ObjectiveForm
    from .models import Objective

    account = _account(request, pk)
    supplier = request.user.role != Role.CUSTOMER
    may_edit = supplier and can(request.user, "change", account)
    form = ObjectiveForm(request.POST or None, account=account) if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                work.save_objective(
                    request.user,
                    account,
                    form.changes(),
                    initiatives=form.cleaned_data["initiatives"],
                    problems=form.cleaned_data["problems"],
                )
            except ValidationError as exc:
                errors_on_form(form, exc)
                status = 422
            else:
                messages.success(request, _("Objective added to the plan."))
                return redirect("relationships:account_plan", pk=account.pk)
        else:
            status = 422
    objectives = list(
        Objective.objects.visible_to(request.user)
        .filter(account=account)
        .select_related("owner")
        .prefetch_related("initiatives", "problems", "comments__author", "tasks")
    )
    today = timezone.localdate()
    rows = []
    for o in objectives:
        facts = o.facts()
        review = next_review(facts)
        comments = [c for c in o.comments.all()]
        rows.append(
            {
                "objective": o,
                "progress": progress(facts.start, facts.current, facts.target),
                "next_review": review,
                "review_due": review is not None and review <= today,
                "comments": comments,
            }
        )
    context = {
        "account": account,
        "rows": rows,
        "summary": plan_progress([o.facts() for o in objectives], today),
        "form": form,
        "may_edit": may_edit,
        "supplier": supplier,
    }
    return render(request, "relationships/account_plan.html", context, status=status)


def _objective(request: HttpRequest, pk: int):
    from .models import Objective

    return get_object_or_404(
        Objective.objects.visible_to(request.user).select_related("account"), pk=pk
    )


def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from .forms import ObjectiveForm

    objective = _objective(request, pk)
    account = _changeable_account(request, objective.account_id)
    if request.user.role == Role.CUSTOMER:
        raise PermissionDenied
    form = ObjectiveForm(request.POST or None, instance=objective, account=account)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                work.save_objective(
                    request.user,
                    account,
                    form.changes(),
                    objective=objective,
                    version=form.cleaned_data["version"],
                    initiatives=form.cleaned_data["initiatives"],
                    problems=form.cleaned_data["problems"],
                )
            except ValidationError as exc:
                errors_on_form(form, exc)
                status = 422
            except work.Conflict as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, _("Objective saved."))
                return redirect("relationships:account_plan", pk=account.pk)
        else:
            status = 422
    return render(
        request,
        "relationships/objective_edit.html",
        {"account": account, "objective": objective, "form": form},
        status=status,
    )


@require_POST
def objective_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Record today's value of an objective: it counts as reviewed today."""
    from decimal import Decimal, InvalidOperation

    objective = _objective(request, pk)
    _changeable_account(request, objective.account_id)
    if request.user.role == Role.CUSTOMER:
        raise PermissionDenied
    raw = (request.POST.get("current_value") or "").strip()
    try:
        value = Decimal(raw) if raw else objective.current_value
        if value is not None and not value.is_finite():
            raise InvalidOperation
        work.review_objective(request.user, objective, value, int(request.POST.get("version") or 0))
    except (InvalidOperation, ValueError):
        messages.error(request, _("“{raw}” is not a number.").format(raw=raw))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except work.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“{title}” reviewed.").format(title=objective.title))
    return redirect("relationships:account_plan", pk=objective.account_id)


@require_POST
def objective_comment(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    try:
        work.comment_on_objective(request.user, objective, request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Comment added."))
    return redirect(
        reverse("relationships:account_plan", kwargs={"pk": objective.account_id})
        + f"#objective-{objective.pk}"
    )


# -- tasks (issue 20) --------------------------------------------------------------------


def my_tasks(request: HttpRequest) -> HttpResponse:
    """The user's tasks, overdue first; for a KAM director also the team's overdue tasks
    per KA manager."""
    from django.db.models import Count, Q

    from .models import Task

    user = request.user
    visible = Task.objects.visible_to(user).select_related("account", "owner", "owner_person")
    mine = visible.filter(Q(owner=user) | Q(owner_person__user=user))
    today = timezone.localdate()
    open_tasks = list(mine.open().order_by("due_on", "pk"))
    context = {
        "overdue": [t for t in open_tasks if t.due_on < today],
        "upcoming": [t for t in open_tasks if t.due_on >= today],
        "done": list(mine.exclude(done_on=None).order_by("-done_on", "-pk")[:10]),
        "team": list(
            visible.overdue(today)
            .filter(owner__role=Role.KA_MANAGER)
            .values("owner__username", "owner__first_name", "owner__last_name")
            .annotate(n=Count("pk"))
            .order_by("-n", "owner__username")
        )
        if user.sees_all_accounts
        else None,
        "today": today,
    }
    return render(request, "relationships/tasks.html", context)


@require_POST
def new_task(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a task to the account (from its page, an objective or the lever's next action)."""
    from .forms import TaskForm

    account = _changeable_account(request, pk)
    if request.user.role == Role.CUSTOMER:
        raise PermissionDenied
    data = request.POST.copy()
    if not data.get("owner") and not data.get("owner_person"):
        data["owner"] = str(request.user.pk)  # by default the one who adds it
    form = TaskForm(data, account=account)
    back = local_next(request, reverse("accounts:detail", kwargs={"pk": account.pk}) + "#tasks")
    if form.is_valid():
        try:
            task = work.create_task(request.user, account, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Task “{title}” due {due}.").format(
                    title=task.title, due=date_format(task.due_on, "SHORT_DATE_FORMAT")
                ),
            )
    else:
        problems = "; ".join(
            f"{form.fields[k].label or k}: {' '.join(v)}" if k in form.fields else " ".join(v)
            for k, v in form.errors.items()
        )
        messages.error(request, _("The task was not added: {problems}").format(problems=problems))
    return redirect(back)


@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import Task

    task = get_object_or_404(
        Task.objects.visible_to(request.user).select_related("account", "owner_person"), pk=pk
    )
    undo = request.POST.get("undo") == "1"
    try:
        work.complete_task(request.user, task, done=not undo)
    except work.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            (_("“{title}” open again.") if undo else _("“{title}” done.")).format(title=task.title),
        )
    return redirect(local_next(request, reverse("tasks")))


def review_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The account review pack (issue 20): the quarter or the year, internal or
    customer-safe, as a printable page or a PDF (``?format=pdf``). A customer gets the
    customer-safe version only."""
    from .review import PERIODS, build_review, review_pdf

    account = _account(request, pk)
    period = request.GET.get("period", "quarter")
    version = request.GET.get("version", "internal")
    fmt = request.GET.get("format", "html")
    if (
        period not in PERIODS
        or version not in ("internal", "customer")
        or fmt not in ("html", "pdf")
    ):
        return HttpResponse(
            "period: quarter or year; version: internal or customer; format: html or pdf.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    pack = build_review(account, request.user, period, customer_safe=version == "customer")
    if fmt == "pdf":
        response = HttpResponse(review_pdf(pack), content_type="application/pdf")
        kind = "customer" if pack.customer_safe else "internal"
        name = f"review-{account.pk}-{pack.end.isoformat()}-{period}-{kind}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "relationships/review.html", {"pack": pack, "account": account})
