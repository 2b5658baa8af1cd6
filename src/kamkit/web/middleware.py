"""Deny by default, the one exception being the API, which denies by default itself
(401 with a JSON body instead of a redirect to the login page)."""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db import transaction

READS = ("GET", "HEAD", "OPTIONS")


class LoginRequired(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class AtomicWrites:
    """A request that may write (POST, PUT, PATCH, DELETE) runs in one transaction, its
    session and login records included: all of it or nothing, as Django's
    ``ATOMIC_REQUESTS`` would. A read runs without one. On SQLite a transaction begins
    IMMEDIATE, taking the write lock, so with ``ATOMIC_REQUESTS`` every page view waited
    for a long writer (an import, a restore) and failed after the busy timeout; a read
    outside a transaction reads the last committed state (WAL) and never waits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READS:
            return self.get_response(request)
        with transaction.atomic():
            return self.get_response(request)
