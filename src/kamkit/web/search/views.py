"""The search page: what the box in the top bar finds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import services
from .services import MAX_LENGTH, PER_GROUP, BadQuery, contact_accounts, search


def search_page(request: HttpRequest) -> HttpResponse:
    """Every group of records the user may see that matches ``q``; with no ``q`` the box
    alone, with a ``q`` that cannot be searched its reason (422)."""
    raw = request.GET.get("q", "")
    ids = contact_accounts(request.user)
    context = {
        "q": raw.strip()[: MAX_LENGTH * 2],
        "groups": None,
        "error": "",
        "per": PER_GROUP,
        "contacts_searched": ids is not None,
        "contact_accounts": services.CONTACT_ACCOUNTS,
    }
    status = 200
    if raw.strip():
        try:
            context["groups"] = search(request.user, raw, contact_ids=ids)
        except BadQuery as exc:
            context["error"] = str(exc)
            status = 422
    return render(request, "search/results.html", context, status=status)
