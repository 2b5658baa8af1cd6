"""``GET /api/v1/today``: the Today page for API clients."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as RecordError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kamkit.core import agenda as rules
from kamkit.web.accounts.api import MAX_LIMIT, MAX_OFFSET

from . import services

router = Router(tags=["today"])

Kind = Literal[rules.KINDS]  # type: ignore[valid-type]  # the schema names every kind


KIND_PARAM = Query(None, description="Only items of this kind.")


class ItemOut(Schema):
    kind: Kind
    account: int
    account_name: str
    since: dt.date | None
    days: int | None
    ref: int | None
    title: str
    text: str
    lever: str


class TodayOut(Schema):
    items: list[ItemOut]
    count: int
    counts: dict[str, int]
    limit: int
    offset: int


@router.get("", response=TodayOut, summary="What needs action today")
def today(
    request: HttpRequest,
    kind: Kind | None = KIND_PARAM,
    ka_manager: str | None = Query(
        None,
        max_length=20,
        description="KAM directors: one KA manager's accounts (a user id), or `null` for "
        "the accounts nobody manages.",
    ),
    limit: int = Query(services.PER_PAGE, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """The items of ``kamkit.core.agenda`` for the accounts the caller keeps (a KA
    manager: their own; a director: every account or one KA manager's), the most
    pressing first: overdue tasks, customers waiting for an answer, falling indexes,
    open decisions, accounts without contact, tasks due today. ``since`` is the day the
    item began to need action, ``ref`` the task's or problem's id, ``counts`` the items
    of each kind before ``kind`` is applied."""
    try:
        items = services.agenda(request.auth, ka_manager=ka_manager)
    except services.NotAllowed:
        raise PermissionDenied(
            "only KA managers, KAM directors and administrators keep accounts"
        ) from None
    except services.BadFilter as exc:
        raise RecordError({exc.field: [str(exc).split(": ", 1)[1]]}) from None
    shown = [i for i in items if i.kind == kind] if kind else items
    return {
        "items": [
            {
                "kind": e.kind,
                "account": e.account.pk,
                "account_name": e.account.name,
                "since": e.item.since,
                "days": e.days,
                "ref": e.item.ref,
                "title": e.item.title,
                "text": e.text,
                "lever": e.account.latest_lever or "",
            }
            for e in services.entries(request.auth, shown[offset : offset + limit])
        ],
        "count": len(shown),
        "counts": services.counts(items),
        "limit": limit,
        "offset": offset,
    }
