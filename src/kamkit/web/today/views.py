"""The Today page: what needs the reader's action, the most pressing first."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamkit.core import agenda as rules
from kamkit.web.base import Conflict, local_next
from kamkit.web.exports import table_response
from kamkit.web.labels import PROCESS_LABELS, say
from kamkit.web.users.models import Role, User

from .services import (
    PER_PAGE,
    BadFilter,
    NotAllowed,
    agenda,
    counts,
    entries,
    may_use,
    per_manager,
)

EXPORT_HEADER = ["kind", "account", "account_id", "ka_manager", "since", "days", "what", "lever"]


def _managers() -> list[User]:
    return list(
        User.objects.filter(role=Role.KA_MANAGER, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )


@require_POST
def answer_alert(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer an index alert from Today: what will be done (``answer_alert``)."""
    from kamkit.web.accounts.models import Account
    from kamkit.web.assessment.models import IndexAlert
    from kamkit.web.assessment.services import answer_alert as answer

    if not may_use(request.user):  # alerts are internal: a customer learns nothing of them
        raise Http404
    alert = get_object_or_404(
        IndexAlert.objects.filter(account__in=Account.objects.visible_to(request.user)), pk=pk
    )
    try:
        answer(request.user, alert, request.POST.get("answer", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(say(m) for m in exc.message_dict.get("answer", [])))
    except Conflict as exc:
        messages.error(request, say(str(exc)))
    else:
        messages.success(request, _("Answered; the others who were alerted are told."))
    return redirect(local_next(request, reverse("today")))


def today_page(request: HttpRequest) -> HttpResponse:
    """Every item of the reader's accounts (a director: every account, or one KA
    manager's), filtered by kind, 50 a page, and as CSV or XLSX (``?export=``)."""
    user = request.user
    manager = request.GET.get("ka_manager", "")
    kind = request.GET.get("kind", "")
    error = ""
    try:
        items = agenda(user, ka_manager=manager)
    except NotAllowed:
        raise PermissionDenied from None
    except BadFilter as exc:
        items, error, manager = [], str(exc), ""
    if kind and kind not in rules.URGENCY:
        error = _("kind: expected one of %(kinds)s") % {"kinds": ", ".join(rules.KINDS)}
        kind = ""
    per_kind = counts(items)
    shown = [i for i in items if i.kind == kind] if kind else items
    fmt = request.GET.get("export")
    if fmt and not error:
        # said now, in the reader's language: the file is written after the view returns
        rows = [
            [
                e.label,
                e.account.name,
                e.account.pk,
                str(e.account.ka_manager or ""),
                e.item.since,
                e.days,
                e.text,
                str(PROCESS_LABELS.get(e.account.latest_lever, "")),
            ]
            for e in entries(user, shown)
        ]
        return table_response("today", EXPORT_HEADER, rows, fmt)
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "shown": entries(user, list(page.object_list)),
        "total": len(items),
        "counts": [(k, _(rules.KIND_LABELS[k]), n) for k, n in per_kind.items()],
        "kind": kind,
        "manager": manager,
        "managers": _managers() if user.sees_all_accounts else None,
        "team": per_manager(user, items) if user.sees_all_accounts and not manager else None,
        "kinds": [_(rules.KIND_LABELS[k]) for k in rules.KINDS],
        "sources": [(_(rules.KIND_LABELS[k]), _(rules.RULE_SOURCES[k])) for k in rules.KINDS],
        "error": error,
        "today": timezone.localdate(),
        "query": urlencode({k: v for k, v in (("kind", kind), ("ka_manager", manager)) if v}),
    }
    return render(request, "today/today.html", context, status=422 if error else 200)
