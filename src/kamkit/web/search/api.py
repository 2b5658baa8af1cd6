"""``GET /api/v1/search``: the top bar's search for API clients."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from . import services
from .services import MAX_LENGTH, PER_GROUP, BadQuery

router = Router(tags=["search"])


class HitOut(Schema):
    id: int
    title: str
    detail: str
    url: str


class GroupOut(Schema):
    kind: str
    count: int
    items: list[HitOut]


class SearchOut(Schema):
    query: str
    groups: list[GroupOut]


@router.get("", response=SearchOut)
def search(
    request: HttpRequest,
    q: str = Query(
        ...,
        max_length=MAX_LENGTH * 2,
        description="The phrase: 2 to 100 characters once spaces are trimmed; matched "
        "anywhere in a name, any letter case.",
    ),
    limit: int = Query(PER_GROUP, ge=1, le=50, description="Hits per group, 1 to 50."),
):
    """Accounts, people, problems, initiatives, tasks and diagnosis projects and cases
    the caller may see whose name (or email, role, department, framing, goal) holds
    ``q``; each group's ``count`` is its number of hits, ``items`` the first ``limit``,
    names starting with ``q`` first. Groups without hits are left out."""
    try:
        groups = services.search(request.auth, q, limit)
    except BadQuery as exc:
        raise ValidationError({"q": [str(exc)]}) from None
    return {
        "query": " ".join(q.split()),
        "groups": [
            {
                "kind": g.kind,
                "count": g.count,
                "items": [
                    {"id": h.id, "title": h.title, "detail": h.detail, "url": h.url} for h in g.hits
                ],
            }
            for g in groups
        ],
    }
