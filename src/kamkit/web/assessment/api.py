"""/api/v1/accounts/{id}/assessment and /api/v1/portfolio/assessment (SPEC §2.5.1),
computed on request from the records, for the accounts the user may see. Scores are the
supplier's: a customer user gets none (404 for its account, an empty list)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from kamkit.web.accounts.api import _page, limit_param, offset_param
from kamkit.web.accounts.models import Account
from kamkit.web.users.models import Role

from .schemas import (
    AlertAnswerIn,
    AlertOut,
    AlertPage,
    AssessmentOut,
    AssessmentPage,
    DeclineDecisionIn,
    DeclineDecisionOut,
    DeclineDecisionPage,
)
from .services import assess_accounts, assessment_json, configuration

accounts_router = Router(tags=["assessment"])
portfolio_router = Router(tags=["assessment"])


def _scored_accounts(request: HttpRequest):
    if request.auth.role == Role.CUSTOMER:
        return Account.objects.none()
    return Account.objects.visible_to(request.auth)


def _day(on: dt.date | None) -> dt.date:
    from kamkit.core.relationships import EARLIEST_DAY

    today = timezone.localdate()
    if on is not None and on > today:
        raise HttpError(422, f"on: {on} is in the future; assess today or an earlier day")
    if on is not None and on < EARLIEST_DAY:
        raise HttpError(422, f"on: {on} is too early; the earliest is {EARLIEST_DAY}")
    return on or today


@accounts_router.get(
    "/{id:account_id}/assessment",
    response=AssessmentOut,
    url_name="account_assessment",
    summary="Phase, process scores, index and lever of one account",
)
def account_assessment(request: HttpRequest, account_id: int, on: dt.date | None = None):
    account = _scored_accounts(request).filter(pk=account_id).first()
    if account is None:
        raise HttpError(404, "Not Found")
    return {**assessment_json(account, _day(on)), **_provenance()}


def _decision_out(d) -> dict:
    return {
        "id": d.pk,
        "account": d.account_id,
        "decision": d.decision,
        "decided_on": d.decided_on,
        "reason": d.reason,
        "decided_by": d.decided_by_id,
    }


@accounts_router.get(
    "/{id:account_id}/decline-decisions",
    response=DeclineDecisionPage,
    url_name="decline_decisions",
    operation_id="decline_decisions",
    summary="Every revive / wind-down decision of a declining account, newest first",
)
def list_decline_decisions(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    from kamkit.web.relationships.models import DeclineDecision

    limit, offset = _page(limit, offset)
    account = _scored_accounts(request).filter(pk=account_id).first()
    if account is None:
        raise HttpError(404, "Not Found")
    qs = DeclineDecision.objects.visible_to(request.auth).filter(account=account)
    return {
        "items": [_decision_out(d) for d in qs[offset : offset + limit]],
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "in_force": account.decline_decision if account.phase == "decline" else None,
    }


@accounts_router.post(
    "/{id:account_id}/decline-decisions",
    response={201: DeclineDecisionOut},
    url_name="decline_decisions_create",
    operation_id="decline_decisions_create",
    summary="Record revive or wind down for a declining account (SPEC §2.3)",
)
def create_decline_decision(request: HttpRequest, account_id: int, payload: DeclineDecisionIn):
    """The KAM director or the account's KA manager; the account must be in decline."""
    from kamkit.web.relationships.services import record_decline_decision

    account = _scored_accounts(request).filter(pk=account_id).first()
    if account is None:
        raise HttpError(404, "Not Found")
    record = record_decline_decision(
        account, payload.decision, payload.reason, request.auth, payload.decided_on
    )
    return Status(201, _decision_out(record))


def _alert_out(a) -> dict:
    return {
        "id": a.pk,
        "account": a.account_id,
        "on": a.on,
        "index": round(a.index, 1),
        "earlier": round(a.earlier, 1),
        "answer": a.answer,
        "answered_by": a.answered_by_id,
        "answered_at": a.answered_at,
    }


@accounts_router.get(
    "/{id:account_id}/alerts",
    response=AlertPage,
    url_name="alerts",
    operation_id="alerts",
    summary="The account's index alerts, newest first, with their answers",
)
def list_alerts(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    """Each fall of the index by ``ALERT_DROP_POINTS`` or more in a month that was
    alerted (``kamkit.core.portfolio``), and what the team answered. Not for customers."""
    from .models import IndexAlert

    limit, offset = _page(limit, offset)
    account = _scored_accounts(request).filter(pk=account_id).first()
    if account is None:
        raise HttpError(404, "Not Found")
    qs = IndexAlert.objects.filter(account=account)
    return {
        "items": [_alert_out(a) for a in qs[offset : offset + limit]],
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@accounts_router.post(
    "/{id:account_id}/alerts/{id:alert_id}/answer",
    response=AlertOut,
    url_name="alert_answer",
    operation_id="alert_answer",
    summary="Say what will be done about an index alert (once)",
)
def answer_alert(request: HttpRequest, account_id: int, alert_id: int, payload: AlertAnswerIn):
    """The account's KA manager or a KAM director; the others who were alerted are told.
    409 when it was answered already."""
    from .models import IndexAlert
    from .services import answer_alert as answer

    account = _scored_accounts(request).filter(pk=account_id).first()
    alert = IndexAlert.objects.filter(account=account, pk=alert_id).first() if account else None
    if alert is None:
        raise HttpError(404, "Not Found")
    return _alert_out(answer(request.auth, alert, payload.answer))


@portfolio_router.get(
    "/assessment",
    response=AssessmentPage,
    url_name="portfolio_assessment",
    summary="The assessment of every account the user may see (paged)",
)
def portfolio_assessment(
    request: HttpRequest,
    limit: int = limit_param(),
    offset: int = offset_param(),
    on: dt.date | None = None,
):
    limit, offset = _page(limit, offset)
    day = _day(on)
    accounts = _scored_accounts(request).order_by("pk")
    ids = list(accounts.values_list("pk", flat=True)[offset : offset + limit])
    items = [a.to_json() for a in assess_accounts(ids, day)] if ids else []
    return {
        "items": items,
        "count": accounts.count(),
        "limit": limit,
        "offset": offset,
        **_provenance(),
    }


def _provenance() -> dict:
    """The kamkit version and every setting the assessment used."""
    from kamkit import __version__

    return {"kamkit_version": __version__, "settings": configuration().to_json()}


def _capacities(raw: str) -> dict[int, float]:
    """``12:40,15:35`` → {12: 40.0, 15: 35.0}."""
    out: dict[int, float] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        manager, sep, hours = part.partition(":")
        try:
            if not sep:
                raise ValueError
            out[int(manager)] = float(hours)
        except ValueError:
            raise HttpError(
                422, f"capacity: '{part}' is not MANAGER_ID:HOURS (e.g. capacity=12:40,15:35)"
            ) from None
    return out


@portfolio_router.get(
    "/allocation",
    url_name="portfolio_allocation",
    summary="Where the next hours of KAM effort raise effectiveness most (SPEC §2.6)",
)
def portfolio_allocation(
    request: HttpRequest, hours: float | None = None, minimum: float = 0.0, capacity: str = ""
):
    """Hours per account and process for the user's accounts, with the objective of the
    plan and of the proportional and equal plans. ``minimum``: hours each key account
    gets at least; ``capacity``: KA managers' hours as ``ID:HOURS,ID:HOURS``."""
    from kamkit.core.allocation import PlanError

    from .planning import make_plan, may_plan

    if request.auth.role == Role.CUSTOMER:
        raise HttpError(404, "Not Found")
    if not may_plan(request.auth):
        raise HttpError(403, "plans are made by KAM directors and KA managers")
    if hours is None:
        raise HttpError(422, "hours: say how many hours the plan has (e.g. ?hours=400)")
    try:
        result = make_plan(request.auth, hours, capacities=_capacities(capacity), minimum=minimum)
    except PlanError as exc:
        raise HttpError(422, str(exc)) from None
    return result.to_json()
