"""Login limits (issue 17) beside django-axes' per user name and address one: a limit
per address over every user name, and the pages a locked-out login gets."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address within the cool-off time, over every
    user name (axes keeps one row per user name and address)."""
    ip = get_client_ip_address(request)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    found = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )
    return found["n"] or 0


def address_locked(request: HttpRequest) -> bool:
    """Whether the address reached ``KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT`` failures."""
    return address_failures(request) >= settings.KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT


def locked_out(
    request: HttpRequest, original_response=None, credentials=None, *, by_address: bool = False
) -> HttpResponse:
    """429 with ``Retry-After`` (the cool-off time, in seconds) and a page in plain words;
    django-axes calls it for a user name and address, the login page for an address."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    limit = (
        settings.KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT if by_address else settings.AXES_FAILURE_LIMIT
    )
    response = render(
        request,
        "auth/locked_out.html",
        {"minutes": seconds // 60, "limit": limit, "by_address": by_address},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
