"""Recompute the assessment on demand, for the accounts the user may work on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kamkit.web.accounts.models import Account
from kamkit.web.users.models import Role, User

from .services import assess_portfolio


@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Directors and admins recompute the whole portfolio, a KA manager their own
    accounts; the day's snapshots are replaced."""
    user = request.user
    if not (user.sees_all_accounts or user.role == Role.KA_MANAGER):
        raise PermissionDenied("Your role has no key accounts.")
    ids = list(Account.objects.visible_to(user).values_list("pk", flat=True))
    run = assess_portfolio(account_ids=ids)
    messages.success(
        request,
        ngettext(
            "Assessed {count} account in {seconds} s; {changes} inferred phase change(s).",
            "Assessed {count} accounts in {seconds} s; {changes} inferred phase change(s).",
            run.accounts,
        ).format(
            count=run.accounts,
            seconds=number_format(run.seconds, 1),
            changes=run.inferred_changes,
        ),
    )
    return redirect("accounts:portfolio")


PLAN_PAGE = 50
"""Accounts per page of the plan (kamkit assumption: a page a KA director reads; the CSV
and XLSX hold every account)."""
UNPLANNED_SHOWN = 50


class _Rows:
    """The plan's rows for Django's paginator: counted without being written, and each
    page's rows explained alone (at 10,000 accounts the page explained them all)."""

    def __init__(self, result) -> None:
        self.result = result

    def __len__(self) -> int:
        return self.result.row_count()

    def count(self) -> int:
        return len(self)

    def __getitem__(self, part: slice) -> list[dict]:
        return self.result.rows(part)


def _without_page(data) -> str:
    query = data.copy()
    query.pop("page", None)
    return query.urlencode()


def plan(request: HttpRequest) -> HttpResponse:
    """The plan of the period's KAM hours (SPEC §2.6): capacities in, hours per account and
    process out, with why, the comparison with the plans firms use today, exports. A
    director plans the portfolio; a KA manager sees the plan for their own accounts as
    their to-do for the period."""
    from django.http import HttpResponse as Response

    from kamkit.core.allocation import PlanError

    from .charts import bars
    from .planning import make_plan, may_plan, parse_capacities, plannable

    user = request.user
    if not may_plan(user):
        raise PermissionDenied("Plans are made by KAM directors and KA managers.")
    accounts = plannable(user)
    count = accounts.count()
    managers = User.objects.filter(pk__in=accounts.values("ka_manager")).order_by(
        "first_name", "last_name", "username"
    )
    data = request.GET
    default_hours = max(10, 10 * count)
    raw = {
        "hours": data.get("hours", str(default_hours)),
        "minimum": data.get("minimum", "0"),
    }
    error, result = None, None
    try:
        try:
            hours = float(raw["hours"])
        except ValueError:
            raise PlanError(f"hours: '{raw['hours']}' is not a number of hours") from None
        try:
            minimum = float(raw["minimum"] or 0)
        except ValueError:
            raise PlanError(f"minimum: '{raw['minimum']}' is not a number of hours") from None
        capacities = parse_capacities(data)
        if count:
            result = make_plan(user, hours, capacities=capacities, minimum=minimum)
    except PlanError as exc:
        error = str(exc)
    fmt = data.get("format")
    if fmt and result is not None and error is None:
        if fmt == "csv":  # streamed: explained and written 500 accounts at a time
            response = StreamingHttpResponse(
                result.csv_lines(), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="kamkit-plan.csv"'
            return response
        if fmt == "xlsx":
            response = Response(
                result.xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = 'attachment; filename="kamkit-plan.xlsx"'
            return response
        return HttpResponse("format must be csv or xlsx.", status=400)
    context = {
        "raw": raw,
        "error": error,
        "count": count,
        "managers": [(m, data.get(f"capacity_{m.pk}", "")) for m in managers],
        "own": user.role == Role.KA_MANAGER,
    }
    if result is not None:
        p = result.plan
        page = Paginator(_Rows(result), PLAN_PAGE).get_page(data.get("page"))
        unplanned = result.unplanned()
        context.update(
            {
                "plan": p,
                "rows": page.object_list,
                "page": page,
                "page_query": _without_page(data),
                "gap_percent": 100 * p.gap,
                "unplanned": unplanned[:UNPLANNED_SHOWN],
                "unplanned_more": max(0, len(unplanned) - UNPLANNED_SHOWN),
                # the same numbers as the sentence above the chart: index points
                "comparison_chart": bars(
                    [
                        (_("kamkit plan"), p.index_gain),
                        (_("Proportional to revenue"), p.comparison_index_gain["proportional"]),
                        (_("Equal hours"), p.comparison_index_gain["equal"]),
                    ],
                    _("Index points each plan adds, summed over the accounts"),
                    " " + _("pts"),
                ),
                "phase_chart": bars(result.by_phase(), _("Hours by phase"), " h"),
                "query": request.GET.urlencode(),
            }
        )
    return render(request, "assessment/plan.html", context, status=422 if error else 200)
