"""Deny by default, the one exception being the API, which denies by default itself
(401 with a JSON body instead of a redirect to the login page)."""

from __future__ import annotations

import contextlib
import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db import transaction
from django.utils.translation import gettext_noop

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


class TrustedProxy:
    """``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from a proxy named
    in ``KAMKIT_TRUSTED_PROXIES`` (addresses or networks; default the machine itself):
    from anyone else they are removed, so a client can neither claim HTTPS nor another
    address (the login limits count by address). From a trusted proxy, the client's
    address is the right-most one in ``X-Forwarded-For`` that is not a trusted proxy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = [
            ipaddress.ip_network(p, strict=False) for p in settings.KAMKIT_TRUSTED_PROXIES
        ]

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in net for net in self.proxies)

    def __call__(self, request):
        meta = request.META
        if self.trusted(meta.get("REMOTE_ADDR", "")):
            hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            for hop in reversed(hops):
                if not self.trusted(hop):
                    with contextlib.suppress(ValueError):  # not an address: the proxy's own
                        meta["REMOTE_ADDR"] = str(ipaddress.ip_address(hop))
                    break
        else:
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
            meta.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)


class PrivateResponses:
    """Every answer kamkit's views give is ``Cache-Control: no-store`` unless the view
    said otherwise: pages and files hold a firm's accounts, and a shared computer's
    browser cache or a proxy must not keep them (static files are answered before this,
    by WhiteNoise, with their own long caching)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


def start_idle_clock(sender, request, user, **kwargs) -> None:
    """At login the idle clock starts (``user_logged_in``): the first page then does not
    write the session."""
    if request is not None and hasattr(request, "session"):
        request.session["kamkit_seen"] = int(time.time())


class IdleTimeout:
    """A session ends after ``KAMKIT_IDLE_MINUTES`` without a request (customers:
    ``KAMKIT_CUSTOMER_IDLE_MINUTES``): the next request is logged out and sent to the
    login page with a message (the API answers 401). The last activity is written at
    most once a minute, so reads do not write the session on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            minutes = (
                settings.KAMKIT_CUSTOMER_IDLE_MINUTES
                if getattr(user, "role", "") == "customer"
                else settings.KAMKIT_IDLE_MINUTES
            )
            seen = request.session.get("kamkit_seen")
            if seen is not None and now - seen > minutes * 60:
                logout(request)
                messages.info(
                    request,
                    gettext_noop(  # said in the reader's language where it is shown
                        "You were logged out after {minutes} minutes without activity. "
                        "Log in again to go on."
                    ).format(minutes=minutes),
                )
            elif seen is None or now - seen >= 60:
                request.session["kamkit_seen"] = now
        return self.get_response(request)


class Language:
    """The interface's language for this request (issue 20): the user's own choice; else
    the browser's for customers and for visitors (the login page, a questionnaire link);
    else English for the supplier's team (settings.LANGUAGES)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen:
            language = chosen
        elif user is None or not user.is_authenticated or user.role == "customer":
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        # override, not activate: the language is put back after the response, so it
        # never leaks into the next request served by this thread (or into a test).
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Accept-Language",))
        return response
