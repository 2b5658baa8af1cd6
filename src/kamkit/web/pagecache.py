"""Whole pages kept for the next look (issue 17, item 8): a signed-in user who asks
again for a page nothing has changed since gets the page as it was rendered, without
the queries and the rendering behind it.

When a kept page is shown again (a kamkit assumption, made so that a kept page is
never stale):

- **Nothing was written since.** Every SQL statement that writes, through any of
  Django's connections (the ORM, ``bulk_create``, ``update()``, raw cursors), is seen
  here (an execute wrapper installed on every connection); the bulk paths that write
  past Django's cursor (PostgreSQL's COPY) say so themselves with :func:`written`.
  After the writing transaction commits, the data version (one row,
  ``assessment.DataVersion``) grows by one; a page is kept under the version read
  before it was rendered, so after a commit no process finds it again. Within one
  process a write is seen at once, before its commit (a test's transaction never
  commits). Writes of sessions, of login attempts and of the version itself do not
  count: no page shows them (a page's own session data is part of its key).
- **The same reader asks the same thing:** the key holds the user, a digest of their
  session (minus the last-activity stamp), their CSRF cookie, the language, the whole
  path with its query, the htmx headers and ``Accept``, and today's date (pages count
  days). Only GET requests of a signed-in user, outside the admin, are kept; only
  answers 200 of HTML or JSON under 2 MB that set no cookie, carry no message and set
  no ``Cache-Control`` of their own (a view that must never be kept uses Django's
  ``never_cache``), to a reader who has the CSRF cookie (a page's forms carry a token
  made from it; without it, the answer sets it).
- **At most ``KAMKIT_PAGE_CACHE_SECONDS`` old** (default 300: what depends on the
  hour rather than the day, such as an invitation expiring at 14:05, shows at most that
  late), in memory per process
  (``KAMKIT_PAGE_CACHE_PAGES`` pages, default 1,000, each kept zlib-compressed: the
  demo's account page, 45 KB, takes about 10 KB). ``KAMKIT_PAGE_CACHE=0`` turns
  it off.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zlib
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

log = logging.getLogger(__name__)

TABLE = "assessment_dataversion"
UNSEEN = frozenset(
    {
        TABLE,
        "django_session",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
    }
)
"""Tables whose writes no kept page depends on (see the module's docstring)."""

_STATEMENT = re.compile(
    r"\s*(\w+)(?:\s+OR\s+\w+)?(?:\s+(?:INTO|FROM))?\s+[\"`]?(\w+)", re.IGNORECASE
)
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE", "COPY"})
_SCHEMA = frozenset({"CREATE", "DROP", "ALTER"})
_CTE_WRITE = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)

_local = 0
"""This process's count of writes seen (before they commit)."""

MAX_BYTES = 2 * 1024 * 1024
"""Larger pages are not kept (kamkit assumption: the account page is about 40 KB)."""
KEPT_HEADER = "X-Kamkit-Page"


def _is_counted_write(sql: str) -> bool:
    if sql[:6].upper() == "SELECT":  # most statements: decided without the pattern
        return False
    match = _STATEMENT.match(sql)
    if match is None:
        return False
    verb, table = match.group(1).upper(), match.group(2).lower()
    if verb == "WITH":  # a common table expression: a write if it holds one
        return _CTE_WRITE.search(sql) is not None
    if verb in _SCHEMA:
        return True
    return verb in _WRITES and table not in UNSEEN


def _bump(alias: str = "default") -> None:
    """The data version grows by one (after the writing transaction committed)."""
    connection = connections[alias]
    try:
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {TABLE} (id, version) VALUES (1, 1) "
                f"ON CONFLICT (id) DO UPDATE SET version = {TABLE}.version + 1"
            )
    except DatabaseError:  # no table yet (a migration is running): nothing kept then
        log.debug("data version not bumped", exc_info=True)


def _bump_default() -> None:
    _bump("default")


def written(connection: Any = None) -> None:
    """Note a write this process made (call it for writes past Django's cursor): kept
    pages stop being shown, in this process now and in every process after the commit."""
    global _local
    _local += 1
    connection = connection or connections["default"]
    if connection.alias != "default":
        return
    if connection.in_atomic_block:
        if not any(item[1] is _bump_default for item in connection.run_on_commit):
            connection.on_commit(_bump_default, robust=True)
    else:
        _bump("default")


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and _is_counted_write(sql):
        written(context["connection"])
    return result


def install(connection: Any) -> None:
    """See every statement this connection runs (idempotent)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


@receiver(connection_created)
def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    install(connection)


@receiver(setting_changed)
def _on_setting(**kwargs: Any) -> None:  # a test's override_settings: nothing kept
    global _local
    _local += 1


def version() -> tuple[int, int] | None:
    """The data version as this process sees it, or None when it cannot be read."""
    try:
        with connections["default"].cursor() as cur:
            cur.execute(f"SELECT version FROM {TABLE} WHERE id = 1")
            row = cur.fetchone()
    except DatabaseError:
        return None
    return (row[0] if row else 0, _local)


def _enabled() -> bool:
    return bool(getattr(settings, "KAMKIT_PAGE_CACHE", True))


def _key(request: HttpRequest, data_version: tuple[int, int]) -> str:
    session = request.session
    items = sorted((k, repr(v)) for k, v in session.items() if k != "kamkit_seen")
    meta = request.META
    parts = [
        str(data_version),
        str(request.user.pk),
        repr(items),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        getattr(request, "LANGUAGE_CODE", ""),
        request.get_full_path(),
        meta.get("HTTP_ACCEPT", ""),
        repr(sorted((k, v) for k, v in meta.items() if k.startswith("HTTP_HX_"))),
        timezone.localdate().isoformat(),
    ]
    return "page:" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()


def _pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    # shown messages stay loaded until the response is sent (a template's loop over no
    # messages marks the storage used, so that flag says nothing)
    return storage is not None and len(storage) > 0


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control") or _pending_messages(request):
        return False
    kind = response.get("Content-Type", "")
    if not (kind.startswith("text/html") or kind.startswith("application/json")):
        return False
    return len(response.content) <= MAX_BYTES


class PageCache:
    """The middleware (after the user, the language, messages and the idle timeout are
    known): shows a kept page, or keeps the page the view made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method != "GET"
            or not _enabled()
            or request.path_info.startswith("/admin/")
            or not request.user.is_authenticated
            or settings.CSRF_COOKIE_NAME not in request.COOKIES  # the page would set it
            or _pending_messages(request)
        ):
            return self.get_response(request)
        data_version = version()
        if data_version is None:
            return self.get_response(request)
        key = _key(request, data_version)
        store = caches["pages"]
        kept = store.get(key)
        if kept is not None:
            status, headers, packed = kept
            response = HttpResponse(zlib.decompress(packed), status=status)
            for name, value in headers:
                response[name] = value
            response[KEPT_HEADER] = "kept"
            return response
        response = self.get_response(request)
        if _keepable(request, response):
            # compressed (zlib's fastest level: the demo's account page, 45 KB, becomes 10 KB
            # in half a millisecond), so the kept pages' memory stays small
            packed = zlib.compress(response.content, 1)
            store.set(key, (response.status_code, list(response.items()), packed))
        return response
