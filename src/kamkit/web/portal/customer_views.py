"""The customer's own pages (SPEC §2.7): raise and work on shared problems, rate the
relationship, say which phase it is in, and how to be contacted. Every page is for a
customer user, about its one account, over what is shared with it; anything else is
404 (not yours) or 403 (not a customer)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from kamkit.core import relationships as rules
from kamkit.core.lifecycle.phases import PHASES
from kamkit.web.accounts.models import Account, Person, customer_person
from kamkit.web.base import errors_on_form, form_write
from kamkit.web.labels import PHASE_DESCRIPTIONS, PHASE_LABELS, say
from kamkit.web.relationships import services as work
from kamkit.web.relationships.forms import PreferenceForm, PulseForm
from kamkit.web.relationships.models import (
    CommunicationPreference,
    JointInitiative,
    PhaseRecord,
    Problem,
    ProblemComment,
)
from kamkit.web.relationships.perception import perception_context
from kamkit.web.today.services import summary_of
from kamkit.web.users.models import Role

from .forms import (
    CommentForm,
    ConfirmValueForm,
    EditContributionForm,
    FramingForm,
    ProposeInitiativeForm,
    RaiseProblemForm,
)
from .services import mark_read


def customer_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.role != Role.CUSTOMER or not user.account_id:
            raise PermissionDenied("These pages are for the customer's people.")
        return view(request, *args, **kwargs)

    return wrapper


@customer_only
def raise_problem(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = RaiseProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            problem = work.raise_problem(
                user,
                user.account,
                title=form.cleaned_data["title"],
                framing=form.cleaned_data["framing"],
            )
        except ValidationError as exc:
            errors_on_form(form, exc, {"customer_framing": "framing"})
        else:
            messages.success(request, _("Raised. Your supplier's team has been told."))
            return redirect("portal:problem", pk=problem.pk)
    return render(
        request,
        "portal/raise_problem.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@customer_only
def problem(request: HttpRequest, pk: int) -> HttpResponse:
    """A shared problem: both framings, its stages, the comments; the customer reframes,
    comments, agrees on the definition, confirms the resolution."""
    user = request.user
    item = get_object_or_404(Problem.objects.visible_to(user).select_related("account"), pk=pk)
    framing = FramingForm(initial={"framing": item.customer_framing, "version": item.version})
    comment = CommentForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "frame":
            framing = FramingForm(request.POST)
            if framing.is_valid():
                status = form_write(
                    framing,
                    lambda: work.frame_problem(
                        user, item, framing.cleaned_data["framing"], framing.cleaned_data["version"]
                    ),
                    {"customer_framing": "framing"},
                )
                if not status:
                    messages.success(request, _("Your framing is saved."))
                    return redirect("portal:problem", pk=item.pk)
            else:
                status = 422
        elif action == "comment":
            comment = CommentForm(request.POST)
            if comment.is_valid():
                try:
                    work.comment_on_problem(user, item, comment.cleaned_data["text"])
                except ValidationError as exc:
                    errors_on_form(comment, exc)
                else:
                    messages.success(request, _("Comment added."))
                    return redirect("portal:problem", pk=item.pk)
            status = 422
        elif action in rules.CUSTOMER_STEPS:
            if why_not := work.customer_step(user, item, action):
                messages.error(
                    request,
                    _("“{title}”: {why_not}.").format(title=item.title, why_not=say(why_not)),
                )
                return redirect("portal:problem", pk=item.pk)
            item.refresh_from_db()
            messages.success(
                request,
                _("Thank you: the problem is closed.")
                if action == "confirm"
                else _("Thank you: both sides agree, the problem is now jointly defined.")
                if item.stage == "jointly_defined"
                else _("Thank you: your agreement is recorded; your supplier's team agrees next."),
            )
            return redirect("portal:problem", pk=item.pk)
        else:
            return HttpResponse("Unknown action.", status=400)
    reached = {c.stage: c for c in item.stage_changes.all()}
    stages = [(k, label, reached.get(k)) for k, label in Problem._meta.get_field("stage").choices]
    return render(
        request,
        "portal/problem.html",
        {
            "problem": item,
            "stages": stages,
            "comments": ProblemComment.objects.visible_to(user)
            .filter(problem=item)
            .select_related("author"),
            "framing_form": framing,
            "comment_form": comment,
        },
        status=status,
    )


@customer_only
def propose_initiative(request: HttpRequest) -> HttpResponse:
    """Propose an initiative: what it should achieve, what the customer's side puts in
    and expects; the supplier's team answers on the same page."""
    form = ProposeInitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            initiative = work.create_initiative(request.user, request.user.account, data)
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(request, _("Proposed. Your supplier's team has been told."))
            return redirect("portal:initiative", pk=initiative.pk)
    return render(
        request,
        "portal/propose_initiative.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@customer_only
def initiative(request: HttpRequest, pk: int) -> HttpResponse:
    """A shared initiative: both sides' contributions (never the supplier's value); the
    customer changes its own contribution while the initiative is open and confirms the
    value it realized once it is delivered."""
    user = request.user
    item = get_object_or_404(
        JointInitiative.objects.visible_to(user).select_related(
            "account", "supplier_owner", "customer_owner"
        ),
        pk=pk,
    )
    mine = {name: getattr(item, name) for name in rules.CUSTOMER_CONTRIBUTION_FIELDS}
    contribution = EditContributionForm(initial={**mine, "version": item.version})
    confirm = ConfirmValueForm(initial={"realized_value_customer": item.realized_value_customer})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "contribute":
            contribution = EditContributionForm(request.POST)
            if contribution.is_valid():
                status = form_write(
                    contribution,
                    lambda: work.update_contribution(
                        user, item, contribution.cleaned_data, contribution.cleaned_data["version"]
                    ),
                )
                if not status:
                    messages.success(request, _("Your contribution is saved."))
                    return redirect("portal:initiative", pk=item.pk)
                item.refresh_from_db()
            else:
                status = 422
        elif action == "confirm":
            confirm = ConfirmValueForm(request.POST)
            if confirm.is_valid():
                status = form_write(
                    confirm,
                    lambda: work.confirm_value(
                        user, item, confirm.cleaned_data["realized_value_customer"]
                    ),
                )
                if not status:
                    messages.success(request, _("Thank you: the realized value is confirmed."))
                    return redirect("portal:initiative", pk=item.pk)
            else:
                status = 422
        else:
            return HttpResponse("Unknown action.", status=400)
    return render(
        request,
        "portal/initiative.html",
        {
            "initiative": item,
            "contribution_form": contribution,
            "confirm_form": confirm,
            "contributes": rules.customer_contribution(item.status) is None,
            "confirms": item.status in rules.CUSTOMER_CONFIRMS_WHILE,
        },
        status=status,
    )


@customer_only
def rate(request: HttpRequest) -> HttpResponse:
    """Rate the relationship, 1–7 (a pulse of one's own)."""
    user = request.user
    account = Account.objects.get(pk=user.account_id)
    me = customer_person(user, create=True)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["person"] = str(me.pk)
    form = PulseForm(data, account=account, initial={"person": me.pk})
    form.fields["person"].queryset = Person.objects.filter(pk=me.pk)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "person"}
        try:
            work.record_pulse(user, account, data)
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(request, _("Thank you for your ratings."))
            return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "portal/rate.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@customer_only
def phase(request: HttpRequest) -> HttpResponse:
    """Say which description fits the relationship (the customer's self-identification)."""
    user = request.user
    me = customer_person(user, create=True)
    chosen = request.POST.get("phase")
    error = None
    if request.method == "POST":
        if chosen not in PHASES:
            error = "Choose the description that fits best."
        else:
            try:
                work.record_phase_view(user, me.account, chosen, note=request.POST.get("note", ""))
            except ValidationError as exc:
                error = " ".join(m for ms in exc.message_dict.values() for m in ms)
            else:
                messages.success(request, _("Thank you: your view is recorded."))
                return redirect("accounts:detail", pk=user.account_id)
    latest = (
        PhaseRecord.objects.visible_to(user)
        .filter(person=me)
        .order_by("-recorded_on", "-pk")
        .first()
    )
    options = [(p, PHASE_LABELS[p], PHASE_DESCRIPTIONS[p]) for p in PHASES]
    return render(
        request,
        "portal/phase.html",
        {"options": options, "latest": latest, "error": error, "chosen": chosen},
        status=422 if error else 200,
    )


@customer_only
def preferences(request: HttpRequest) -> HttpResponse:
    """How and how often the customer person likes to be contacted."""
    user = request.user
    account = Account.objects.get(pk=user.account_id)
    me = customer_person(user, create=True)
    mine = CommunicationPreference.objects.alive().filter(account=account, person=me).first()
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["person"] = str(me.pk)
    form = PreferenceForm(data, instance=mine, account=account, initial={"person": me.pk})
    form.fields["person"].queryset = Person.objects.filter(pk=me.pk)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = {f: form.cleaned_data[f] for f in ("channels", "ideal_min", "ideal_max")}
            stored = mine and CommunicationPreference.objects.get(pk=mine.pk)
            status = form_write(
                form,
                lambda: work.set_preferences(
                    user, account, changes, stored, form.cleaned_data["version"]
                ),
            )
            if not status:
                messages.success(request, _("Saved: your supplier's team will see it."))
                return redirect("accounts:detail", pk=account.pk)
        else:
            status = 422
    return render(request, "portal/preferences.html", {"form": form}, status=status)


@customer_only
def perception(request: HttpRequest) -> HttpResponse:
    """The perception gap, when the KA manager has shared it; otherwise there is none."""
    account = get_object_or_404(
        Account.objects.visible_to(request.user), pk=request.user.account_id, perception_shared=True
    )
    return render(
        request,
        "relationships/perception.html",
        {
            **perception_context(account, for_customer=True),
            "for_customer": True,
            "can_change": False,
        },
    )


def notifications(request: HttpRequest) -> HttpResponse:
    """The user's own notifications, either side (a customer's come from the supplier's
    team acting on what is shared with it), newest first, 25 a page, the unread ones
    marked. Following one marks it read; "Mark all as read" does the rest."""
    mine = request.user.notifications
    if request.method == "POST" and request.POST.get("what") == "email":
        from kamkit.web.users.services import set_notify_by_email

        on = request.POST.get("notify_by_email") == "on"
        set_notify_by_email(request.user, on)
        messages.success(
            request,
            _("Notifications come by email too.") if on else _("No more notifications by email."),
        )
        return redirect("portal:notifications")
    if request.method == "POST" and request.POST.get("what") == "summary":
        from kamkit.web.users.services import set_morning_summary

        about = summary_of(request.user)
        if about is None:
            raise PermissionDenied
        on = request.POST.get("morning_summary") == "on"
        set_morning_summary(request.user, on)
        if about == "turns":
            said = _("Reminders come on Mondays.") if on else _("No more Monday reminders.")
        else:
            said = _("Today comes by email each morning.") if on else _("No more morning emails.")
        messages.success(request, said)
        return redirect("portal:notifications")
    if request.method == "POST":
        mark_read(request.user)
        messages.success(request, _("All marked as read."))
        return redirect("portal:notifications")
    from django.core.paginator import Paginator

    page = Paginator(mine.select_related("account"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notifications.html",
        {
            "page": page,
            "items": page.object_list,
            "unread": mine.filter(read_at=None).count(),
            "mailed": settings.KAMKIT_NOTIFY_BY_EMAIL,
            "summarised": settings.KAMKIT_NOTIFY_BY_EMAIL and summary_of(request.user) is not None,
        },
    )


def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's own notifications read and go where it points (anyone
    else's: 404)."""
    from .models import Notification

    try:
        note = mark_read(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    link = note.link if note.link.startswith("/") and not note.link.startswith("//") else ""
    return redirect(link or "portal:notifications")
