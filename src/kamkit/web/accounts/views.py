"""Portfolio, account page and people. Views check permission through the models'
``visible_to`` / ``can``, call a service, and render a page or an htmx partial."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, Max, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from kamkit.core.portfolio import NO_CONTACT_DAYS, contact_days, no_contact
from kamkit.core.relationships import TEXT_LIMITS
from kamkit.web.assessment.charts import phase_index_bubbles
from kamkit.web.assessment.models import LatestAssessment
from kamkit.web.assessment.services import account_overview, silence_wished
from kamkit.web.base import form_write
from kamkit.web.portal.models import Invitation
from kamkit.web.relationships.forms import InteractionForm, PulseForm
from kamkit.web.relationships.models import (
    CommunicationPreference,
    JointInitiative,
    PhaseRecord,
    PhaseSource,
    Problem,
)
from kamkit.web.relationships.timeline import PROCESSES
from kamkit.web.relationships.views import timeline_context, timeline_filters
from kamkit.web.search.services import BadQuery
from kamkit.web.today.services import customer_turns
from kamkit.web.users.models import Role, User

from . import services
from .filters import AccountFilter
from .forms import AccountForm, NewAccountForm, PersonForm, ReassignForm
from .models import PHASE_CHOICES, Account, Person, Side, can
from .services import REASSIGN_LIMIT

PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is."""
    user = request.user
    if user.role == Role.CUSTOMER and user.account_id:
        return redirect("accounts:detail", pk=user.account_id)
    if user.sees_all_accounts or user.role == Role.KA_MANAGER:
        return redirect("accounts:portfolio")
    if user.role == Role.ANALYST:
        return redirect("diagnosis:list")
    return render(request, "accounts/nothing.html", status=200)


def portfolio(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.CUSTOMER and user.account_id:
        return redirect("accounts:detail", pk=user.account_id)
    if not (user.sees_all_accounts or user.role == Role.KA_MANAGER):
        raise PermissionDenied("Your role has no key accounts.")
    base = Account.objects.visible_to(user).select_related("ka_manager", "kam_unit")
    scored = base.with_assessment()
    flt, qs = _filtered(base, request.GET, user)
    if fmt := request.GET.get("export"):  # every row the filters leave, as a file
        from kamkit.web.exports import table_response

        from . import exports

        return table_response("portfolio", *exports.accounts(qs), fmt)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    wished = silence_wished([a.pk for a in page])
    for a in page:
        a.contact = _contact(a.last_contact, a.pk in wished)
    unsorted = request.GET.copy()
    for key in ("page", "ordering"):
        unsorted.pop(key, None)
    context = {
        "filter": flt,
        "page": page,
        "query": _without_page(request),
        "columns": _sortable_columns(request.GET.get("ordering", ""), unsorted.urlencode()),
        "total": base.count(),
        "phase_counts": _phase_counts(base),
        "decisions_needed": base.decision_needed().count(),
        "fell_this_month": base.index_fell().count(),
        "no_contact": 0 if request.htmx else base.with_last_contact(user).no_contact().count(),
        "no_contact_days": NO_CONTACT_DAYS,
        "alert_points": settings.KAMKIT_ALERT_DROP_POINTS,
        "undo_account": _deleted_account(request),
        "reassign_form": ReassignForm() if user.sees_all_accounts else None,
        "deleted_count": Account.objects.deleted().count()
        if user.sees_all_accounts and not request.htmx
        else 0,
        "last_assessed": LatestAssessment.objects.filter(account__in=base.values("pk")).aggregate(
            last=Max("on")
        )["last"]
        if not request.htmx
        else None,
        "chart": None
        if request.htmx
        else phase_index_bubbles(
            list(scored.values_list("phase", "latest_index")),
            link=lambda phase, low: f"?phase={phase}&ordering=risk",
        ),
    }
    template = (
        "accounts/partials/portfolio_table.html" if request.htmx else "accounts/portfolio.html"
    )
    return render(request, template, context)


def _filtered(base, query, user: User) -> tuple[AccountFilter, Any]:
    """The portfolio's filter and the accounts it lists, in its order (A–Z unless
    sorted): the page, its downloads and its Reassign list the same accounts."""
    scored = base.with_assessment().with_index_change().with_last_contact(user)
    flt = AccountFilter(query or None, queryset=scored)
    qs = flt.qs if flt.is_bound and flt.is_valid() else scored
    if not query.get("ordering"):
        qs = qs.order_by("name", "pk")
    return flt, qs


@require_POST
def reassign(request: HttpRequest) -> HttpResponse:
    """Reassign every account the portfolio lists with its filters (a manager who
    leaves: filter by that manager, then Reassign) to another KA manager, and to another
    KAM unit if one is chosen. Refused when the filters are not valid or the list is no
    longer what the director saw (``expected``): nothing is written then."""
    from django.core.exceptions import ValidationError
    from django.http import QueryDict

    from kamkit.web.labels import say

    _director(request)
    form = ReassignForm(request.POST)
    filters = QueryDict(request.POST.get("filters", "")[:2000])
    back = reverse("accounts:portfolio") + (f"?{filters.urlencode()}" if filters else "")
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errs)}"
            for name, errs in form.errors.items()
        )
        messages.error(request, _("Nothing was reassigned: {problems}").format(problems=problems))
        return redirect(back)
    base = Account.objects.visible_to(request.user).select_related("ka_manager", "kam_unit")
    flt, qs = _filtered(base, filters, request.user)
    if flt.is_bound and not flt.is_valid():
        messages.error(request, _("Nothing was reassigned: the filters are not valid."))
        return redirect(back)
    expected = form.cleaned_data["expected"]
    if expected > REASSIGN_LIMIT:
        messages.error(
            request,
            _(
                "Nothing was reassigned: at most {limit} accounts at once. "
                "Narrow the list with the filters."
            ).format(limit=REASSIGN_LIMIT),
        )
        return redirect(back)
    accounts = list(qs)
    if len(accounts) != expected:
        messages.error(
            request,
            _(
                "Nothing was reassigned: the list holds {now} accounts now, not {then}. "
                "Check it and reassign again."
            ).format(now=len(accounts), then=expected),
        )
        return redirect(back)
    manager = form.cleaned_data["ka_manager"]
    changes: dict[str, Any] = {"ka_manager": manager}
    if form.cleaned_data["kam_unit"] is not None:
        changes["kam_unit"] = form.cleaned_data["kam_unit"]
    try:
        changed = services.reassign_accounts(request.user, accounts, changes)
    except ValidationError as exc:
        labels = {name: field.label for name, field in form.fields.items()}
        problems = "; ".join(
            f"{labels.get(k, k)}: {' '.join(say(m) for m in v)}"
            for k, v in exc.message_dict.items()
        )
        messages.error(request, _("Nothing was reassigned: {problems}").format(problems=problems))
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "Reassigned {n} of {total} account to {to}.",
            "Reassigned {n} of {total} accounts to {to}.",
            expected,
        ).format(n=changed, total=expected, to=manager),
    )
    return redirect(back)


def _deleted_account(request: HttpRequest) -> Account | None:
    """After an account was deleted (``?deleted=ID``): that account, still deleted, for
    the portfolio's Undo (a director's or an administrator's)."""
    pk = request.GET.get("deleted") or ""
    if request.htmx or not request.user.sees_all_accounts or not pk.isdigit() or len(pk) > 18:
        return None
    return Account.objects.deleted().filter(pk=int(pk)).first()


SORTABLE = [
    (_("Account"), "name", ""),
    (_("Phase"), "phase", ""),
    (_("Industry"), "industry", "drop"),
    (_("Country"), "country", ""),
    (_("KA manager"), "manager", ""),
    (_("KAM unit"), "unit", ""),
    (_("Selection"), None, "num"),
    (_("Index"), "index", "num stay"),
    (_("Lever"), None, ""),
    (_("Last contact"), "contact", "num"),
]
"""The portfolio's columns, their sort keys (None: not sortable; the selection score
is computed per account, not stored) and their cells' classes: ``num`` right-aligned;
on a phone, where a list shows three columns, the index stays (the accounts' health)
and the industry makes room for it."""


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _sortable_columns(ordering: str, rest: str) -> list[dict]:
    """Each column's header: its link toggles between ascending and descending, and it
    says which way the list is sorted now (for ``aria-sort``)."""
    out = []
    for label, key, classes in SORTABLE:
        current = ordering.lstrip("-") == key
        descending = ordering.startswith("-")
        # a first click on Index sorts the strongest first; the others A–Z
        first = f"-{key}" if key == "index" else key
        nxt = (key if descending else f"-{key}") if current else first
        out.append(
            {
                "label": label,
                "href": f"?{rest}{'&' if rest else ''}ordering={nxt}" if key else None,
                "sort": ("descending" if descending else "ascending") if current else "",
                "classes": classes,
            }
        )
    return out


EXPORTS = ("people", "interactions", "problems", "initiatives", "timeline")


def account_export(request: HttpRequest, pk: int, what: str, fmt: str) -> HttpResponse:
    """One of an account's lists as CSV or XLSX: what the user sees on the account's
    pages (a customer: what is shared with it), the contacts filtered by side as on the
    timeline (``?side=``)."""
    from kamkit.web.exports import table_response
    from kamkit.web.relationships.models import Interaction, JointInitiative, Problem

    from . import exports

    account = _account_for(request, pk)
    if what not in EXPORTS:
        raise Http404
    user = request.user
    if what == "people":
        qs = Person.objects.visible_to(user).filter(account=account)
    elif what == "interactions":
        qs = Interaction.objects.visible_to(user).filter(account=account)
        side = request.GET.get("side")
        if side:
            if side not in ("supplier", "customer"):
                return HttpResponse("side must be supplier or customer.", status=400)
            qs = qs.filter(initiated_by=side)
    elif what == "timeline":  # every entry the timeline shows, by its filters
        from kamkit.web.relationships.timeline import iter_timeline

        try:
            process, side, text = timeline_filters(request.GET)
        except BadQuery as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        entries = iter_timeline(account, user, process, side, text=text)
        header, rows = exports.timeline(entries)
        return table_response(f"timeline-{account.pk}", header, rows, fmt)
    elif what == "problems":
        qs = Problem.objects.visible_to(user).filter(account=account)
    else:
        qs = JointInitiative.objects.visible_to(user).filter(account=account)
    header, rows = getattr(exports, what)(qs, user)
    return table_response(f"{what}-{account.pk}", header, rows, fmt)


def _phase_counts(qs) -> list[tuple[str, str, int]]:

    counts = dict(qs.values_list("phase").annotate(n=Count("pk")).values_list("phase", "n"))
    return [(value, label, counts.get(value, 0)) for value, label in PHASE_CHOICES]


def _account_for(request: HttpRequest, pk: int) -> Account:
    # 404, not 403, for what is not theirs: no hint that it exists
    return get_object_or_404(
        Account.objects.visible_to(request.user).select_related("ka_manager", "kam_unit"), pk=pk
    )


def _contact(last: dt.datetime | None, silence_wished: bool = False) -> dict:
    """A last contact (``with_last_contact``) as the pages show it: its local day, the
    days since and whether that is a month without one (``kamkit.core.portfolio``; not
    when the customer asked for no minimum of contacts)."""
    today = timezone.localdate()
    day = timezone.localdate(last) if last else None
    customer_min = 0 if silence_wished else None
    return {
        "day": day,
        "days": contact_days(day, today),
        "none": no_contact(day, today, customer_min),
    }


def _recent_alert(account: Account):
    """The account's index alert of the alert's window (``ALERT_WINDOW_DAYS``), answered
    or not, for the firm's people: what fell, and what the team said it will do."""
    from kamkit.web.assessment.models import IndexAlert

    return IndexAlert.objects.recent().filter(account=account).select_related("answered_by").first()


def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_for(request, pk)
    user = request.user
    try:  # ?q=…, ?process=…, ?side=…: the timeline opens filtered (a search hit leads here)
        process, side, text = timeline_filters(request.GET)
    except BadQuery:
        process = side = text = None
    persons = list(Person.objects.visible_to(user).filter(account=account).select_related("user"))
    internal = user.role != Role.CUSTOMER
    if internal and can(user, "change", account):
        # who of the customer's people has access, or an invitation still open
        open_invitations = {
            i.person_id: i
            for i in Invitation.objects.filter(
                person__account=account,
                accepted_at=None,
                revoked_at=None,
                expires_at__gt=timezone.now(),
            )
        }
        for person in persons:
            person.open_invitation = open_invitations.get(person.pk)
    own_phase = None
    shared: dict = {}
    if not internal:
        # a customer sees its own side's statement, not the supplier's judgement
        own_phase = (
            PhaseRecord.objects.visible_to(user)
            .filter(account=account, source=PhaseSource.CUSTOMER_SELF)
            .order_by("-recorded_on", "-pk")
            .first()
        )
        # what the two sides work on together: open items first, the newest 10 of each
        shared = {
            "shared_initiatives": JointInitiative.objects.visible_to(user)
            .filter(account=account)
            .order_by(Case(When(status__in=("realized", "dropped"), then=1), default=0), "-pk")[
                :10
            ],
            "shared_problems": Problem.objects.visible_to(user)
            .filter(account=account)
            .order_by(Case(When(stage="closed", then=1), default=0), "-raised_on", "-pk")[:10],
            "perception_shared": account.perception_shared,
            "turns": customer_turns(user, account),
        }

    may_change = can(user, "change", account)
    from kamkit.core.plan import plan_progress
    from kamkit.web.relationships.forms import TaskForm
    from kamkit.web.relationships.models import Objective, Task

    objectives = Objective.objects.visible_to(user).filter(account=account)
    context = {
        "tasks": Task.objects.visible_to(user)
        .filter(account=account, done_on=None)
        .select_related("account", "owner", "owner_person")
        .order_by("due_on", "pk")[:20],
        "task_form": TaskForm(account=account) if may_change and internal else None,
        # a task made from the lever's next action is due in a week (kamkit assumption)
        "task_due": timezone.localdate() + dt.timedelta(days=7),
        "plan": plan_progress([o.facts() for o in objectives], timezone.localdate()),
        "undo": _undo_offer(request, account) if may_change else None,
        "overview": account_overview(account) if internal else None,
        **timeline_context(account, user, process, side, text=text),
        "processes": PROCESSES,
        "export_lists": [
            ("timeline", _("timeline entry")),
            ("interactions", _("contact")),
            ("problems", _("problem")),
            ("initiatives", _("initiative")),
        ],
        # ?log=1&summary=…: from a task or a search hit, the form opens with a summary
        "log_form": InteractionForm(
            account=account,
            initial={"summary": request.GET.get("summary", "")[: TEXT_LIMITS["summary"]]},
        )
        if may_change
        else None,
        "pulse_form": PulseForm(account=account) if may_change else None,
        "preferences": CommunicationPreference.objects.visible_to(user)
        .filter(account=account)
        .select_related("person")
        if internal
        else [],
        "own_phase": own_phase,
        **shared,
        "account": account,
        "supplier_people": [p for p in persons if p.side == Side.SUPPLIER],
        "customer_people": [p for p in persons if p.side == Side.CUSTOMER],
        "can_change": can(user, "change", account),
        "internal": internal,
        "history": account.history.select_related("history_user")[:8] if internal else [],
        "alert": _recent_alert(account) if internal else None,
        "contact": _contact(
            Account.objects.filter(pk=account.pk)
            .with_last_contact(user)
            .values_list("last_contact", flat=True)[0],
            account.pk in silence_wished([account.pk]),
        )
        if internal
        else None,
        "form": AccountForm(instance=account, user=user) if can(user, "change", account) else None,
        "person_form": PersonForm(initial={"side": Side.CUSTOMER})
        if can(user, "change", account)
        else None,
    }
    return render(request, "accounts/detail.html", context)


def _undo_offer(request: HttpRequest, account: Account) -> dict | None:
    """After a timeline entry was deleted (``?deleted=KIND:ID``): the entry, still
    deleted and of this account, for the page's Undo button."""
    from kamkit.web.relationships.services import ENTRY_KINDS

    kind, _colon, pk = (request.GET.get("deleted") or "").partition(":")
    model = ENTRY_KINDS.get(kind)
    if model is None or not pk.isdigit() or len(pk) > 18:
        return None
    record = model.objects.deleted().filter(pk=int(pk), account=account).first()
    return (
        {
            "kind": kind,
            "record": record,
        }
        if record
        else None
    )


@require_POST
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_for(request, pk)
    if not can(request.user, "change", account):
        raise PermissionDenied
    form = AccountForm(request.POST, instance=account, user=request.user)
    status = 200
    if form.is_valid():
        stored = Account.objects.get(pk=account.pk)  # the form wrote onto ``account``
        status = form_write(
            form,
            lambda: services.update_account(
                request.user, stored, form.changes(), form.cleaned_data["version"]
            ),
        )
        if not status:
            messages.success(request, _("Saved."))
            if not request.htmx:
                return redirect("accounts:detail", pk=account.pk)
            form = AccountForm(instance=stored, user=request.user)
            status = 200
    else:
        status = 422
    return render(
        request,
        "accounts/partials/account_form.html",
        {"account": account, "form": form},
        status=status,
    )


def _director(request: HttpRequest) -> None:
    """Creating, deleting and restoring accounts: KAM directors and administrators
    (SPEC §5's roles; the services check it again)."""
    if not request.user.sees_all_accounts:
        raise PermissionDenied(gettext("Only a KAM director or an administrator does this."))


@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    """The "New account" page: the edit form's fields; the account page after."""
    _director(request)
    status = 200
    if request.method == "POST":
        form = NewAccountForm(request.POST, user=request.user)
        status = 422
        if form.is_valid():
            made: list[Account] = []
            status = form_write(
                form, lambda: made.append(services.create_account(request.user, form.changes()))
            )
            if not status:
                messages.success(request, _("Created {name}.").format(name=made[0].name))
                return redirect("accounts:detail", pk=made[0].pk)
    else:
        form = NewAccountForm(user=request.user, initial={"is_key_account": True})
    return render(request, "accounts/new.html", {"form": form}, status=status)


@require_POST
def account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an account (restorable): it leaves the portfolio, the plan and its
    customer users' portal; the portfolio then offers Undo."""
    account = _account_for(request, pk)
    if not can(request.user, "delete", account):
        raise PermissionDenied
    services.delete_account(request.user, account)
    return redirect(reverse("accounts:portfolio") + f"?deleted={account.pk}")


@require_POST
def account_restore(request: HttpRequest, pk: int) -> HttpResponse:
    _director(request)
    account = get_object_or_404(Account.objects.deleted(), pk=pk)
    services.restore_account(request.user, account)
    messages.success(request, _("Restored {name}.").format(name=account.name))
    return redirect("accounts:detail", pk=account.pk)


def deleted_accounts(request: HttpRequest) -> HttpResponse:
    """The deleted accounts, newest deletion first, each with Restore."""
    _director(request)
    qs = Account.objects.deleted().select_related("ka_manager").order_by("-deleted_at", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/deleted.html", {"page": page})


@require_POST
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_for(request, pk)
    if not can(request.user, "change", account):
        raise PermissionDenied
    data = request.POST.copy()
    data["version"] = "1"
    form = PersonForm(data)
    if form.is_valid():
        fields = {f: form.cleaned_data[f] for f in PersonForm.Meta.fields}
        added: list[Person] = []
        if not form_write(
            form, lambda: added.append(services.add_person(request.user, account, fields))
        ):
            messages.success(request, _("Added {name}.").format(name=added[0].name))
            return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "accounts/partials/person_form.html",
        {"account": account, "person_form": form},
        status=422,
    )


def _person_for(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(
        Person.objects.visible_to(request.user).select_related("account"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    if not can(request.user, "change", person):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = PersonForm(request.POST, instance=person)
        if form.is_valid():
            stored = Person.objects.get(pk=person.pk)
            status = form_write(
                form,
                lambda: services.update_person(
                    request.user, stored, form.changes(), form.cleaned_data["version"]
                ),
            )
            if not status:
                messages.success(request, _("Saved {name}.").format(name=stored.name))
                return redirect("accounts:detail", pk=person.account_id)
        else:
            status = 422
    else:
        form = PersonForm(instance=person)
    return render(
        request, "accounts/person_edit.html", {"person": person, "form": form}, status=status
    )


@require_POST
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    services.remove_person(request.user, person)
    messages.success(
        request, _("Removed {name}. An administrator can restore it.").format(name=person.name)
    )
    return redirect("accounts:detail", pk=person.account_id)


HEALTH_MONTHS = 12
"""Months of portfolio health on the matrix page (kamkit assumption: a year)."""


def portfolio_matrix(request: HttpRequest) -> HttpResponse:
    """The KAM portfolio matrix (attractiveness × relationship strength, quadrants after
    McDonald & Woodburn 2007) and the portfolio's health month by month (issue 20), over
    the accounts the user sees."""
    from kamkit.core.portfolio import QUADRANT_SOURCE, QUADRANTS, quadrant, quartiles
    from kamkit.web.assessment.charts import index_distribution
    from kamkit.web.assessment.charts import portfolio_matrix as matrix_chart
    from kamkit.web.assessment.models import AssessmentSnapshot

    user = request.user
    if user.role == Role.CUSTOMER:
        raise Http404
    if not (user.sees_all_accounts or user.role == Role.KA_MANAGER):
        raise PermissionDenied("Your role has no key accounts.")
    base = Account.objects.visible_to(user)
    counts = {label: 0 for _, label in QUADRANTS.values()}
    points, unplaced = [], 0
    for account in base.with_assessment().order_by("name", "pk"):
        attractiveness, index = account.selection_score, account.latest_index
        place = quadrant(attractiveness, index)
        if place is None:
            unplaced += 1
            continue
        counts[place[1]] += 1
        href = reverse("accounts:detail", kwargs={"pk": account.pk})
        points.append((href, account.name, attractiveness, index, account.phase))
    # health: per month the latest day assessed, every visible account's index that day
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=31 * (HEALTH_MONTHS - 1))).replace(day=1)
    snapshots = AssessmentSnapshot.objects.filter(account__in=base.values("pk"), on__gte=start)
    last_day: dict[tuple[int, int], dt.date] = {}
    for day in snapshots.values_list("on", flat=True).distinct():
        key = (day.year, day.month)
        last_day[key] = max(day, last_day.get(key, day))
    by_day: dict[dt.date, list[float]] = {}
    for day, index in (
        snapshots.filter(on__in=last_day.values()).exclude(index=None).values_list("on", "index")
    ):
        by_day.setdefault(day, []).append(index)
    months = [
        (day, quartiles(values), len(values)) for day, values in sorted(by_day.items()) if values
    ]
    context = {
        "chart": matrix_chart(points) if points else None,
        "counts": {gettext(label): n for label, n in counts.items()},
        "unplaced": unplaced,
        "source": gettext(QUADRANT_SOURCE),
        "health": index_distribution(months) if months else None,
        "phases": PHASE_CHOICES,
        "months": months,
    }
    return render(request, "accounts/matrix.html", context)
