"""Whole pages kept until anything is written (issue 17, item 8): a kept page is shown
again only to the same reader, in the same language, on the same day, while nothing has
been written, by this process or (after its commit) by any other."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.web import pagecache
from kamkit.web.accounts.models import Account
from kamkit.web.accounts.services import update_account

KEPT = pagecache.KEPT_HEADER


def _get(client, path, **extra):
    answer = client.get(path, **extra)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer


def _sign_in(client, user):
    """Signed in as a browser is after the login page: with the CSRF cookie."""
    client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = "k" * 32


@pytest.fixture
def director(client, firm):
    _sign_in(client, firm.users["director"])
    return client


def test_a_second_look_is_the_kept_page_without_its_queries(director, firm):
    path = f"/accounts/{firm.own.pk}/"
    first = _get(director, path)
    assert KEPT not in first
    with CaptureQueriesContext(connection) as queries:
        second = _get(director, path)
    assert second[KEPT] == "kept"
    assert second.content == first.content
    # the session, the user and the data version; the page's own dozens are not run
    assert len(queries) <= 4, [q["sql"] for q in queries]
    # what the middleware outside it adds is added again
    assert second["Cache-Control"].startswith("no-store") or "no-store" in second["Cache-Control"]
    assert "Content-Security-Policy" in second


def test_a_write_through_a_service_shows_at_once(director, firm):
    path = f"/accounts/{firm.own.pk}/"
    _get(director, path)
    assert _get(director, path)[KEPT] == "kept"
    account = Account.objects.get(pk=firm.own.pk)
    update_account(firm.users["director"], account, {"name": "Renamed Works"}, account.version)
    fresh = _get(director, path)
    assert KEPT not in fresh
    assert "Renamed Works" in fresh.content.decode()


def test_a_write_past_the_services_shows_at_once(director, firm):
    """``update()`` and a raw cursor send no signal; the statement itself is seen."""
    path = "/accounts/"
    _get(director, path)
    Account.objects.filter(pk=firm.own.pk).update(name="Quietly Renamed")
    assert "Quietly Renamed" in _get(director, path).content.decode()
    _get(director, path)
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {Account._meta.db_table} SET name = %s WHERE id = %s",
            ["Raw Renamed", firm.own.pk],
        )
    answer = _get(director, path)
    assert KEPT not in answer
    assert "Raw Renamed" in answer.content.decode()


def test_a_write_committed_by_another_process_shows(director, firm, monkeypatch):
    """Another process's write is seen through the data version, which grows after its
    commit: here the write is made, this process's own count is put back as if it had
    not seen it, and the version is grown as the other process would."""
    path = "/accounts/"
    _get(director, path)
    seen = pagecache._local
    Account.objects.filter(pk=firm.own.pk).update(name="Written Elsewhere")
    monkeypatch.setattr(pagecache, "_local", seen)
    assert _get(director, path)[KEPT] == "kept"  # not yet committed and counted
    pagecache._bump()
    answer = _get(director, path)
    assert KEPT not in answer
    assert "Written Elsewhere" in answer.content.decode()


def test_the_data_version_grows_once_after_a_commit(db, django_capture_on_commit_callbacks):
    before = pagecache.version()[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        Account.objects.create(name="One", industry="x", country="DE")
        Account.objects.create(name="Two", industry="x", country="DE")
    assert [c for c in callbacks if c is pagecache._bump_default] == [pagecache._bump_default]
    assert pagecache.version()[0] == before + 1


def test_a_session_write_does_not_count(db):
    before = pagecache._local
    with connection.cursor() as cur:
        cur.execute("UPDATE django_session SET expire_date = expire_date WHERE 1 = 0")
    assert pagecache._local == before


@pytest.mark.parametrize(
    ("sql", "counted"),
    [
        ('INSERT INTO "accounts_account" ("name") VALUES (%s)', True),
        ('UPDATE "relationships_interaction" SET "summary" = %s', True),
        ('DELETE FROM "accounts_person" WHERE "id" = %s', True),
        ("INSERT OR IGNORE INTO accounts_personpair (a, b) VALUES (1, 2)", True),
        ("WITH moved AS (SELECT 1) UPDATE accounts_account SET name = 'x'", True),
        ("CREATE INDEX i ON accounts_account (name)", True),
        ('SELECT "accounts_account"."id" FROM "accounts_account"', False),
        ("WITH t AS (SELECT 1) SELECT * FROM t", False),
        ("SAVEPOINT s1", False),
        ("PRAGMA foreign_keys = ON", False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ("INSERT INTO axes_accessattempt (username) VALUES (%s)", False),
    ],
)
def test_which_statements_count_as_writes(sql, counted):
    assert pagecache._is_counted_write(sql) is counted


def test_each_reader_gets_their_own_page(client, firm):
    path = "/accounts/"
    _sign_in(client, firm.users["director"])
    _get(client, path)
    assert _get(client, path)[KEPT] == "kept"
    _sign_in(client, firm.users["manager"])
    answer = _get(client, path)
    assert KEPT not in answer
    # the manager's portfolio: their own account, not the other manager's
    assert firm.other.name not in answer.content.decode()


def test_a_customer_never_gets_a_page_kept_for_the_firm(client, firm):
    _sign_in(client, firm.users["director"])
    _get(client, "/api/v1/accounts")
    everything = _get(client, "/api/v1/accounts")
    assert everything[KEPT] == "kept"
    assert firm.other.name in everything.content.decode()
    _sign_in(client, firm.users["customer"])
    answer = _get(client, "/api/v1/accounts")
    assert KEPT not in answer
    assert [a["id"] for a in answer.json()["items"]] == [firm.own.pk]


def test_another_language_is_another_page(client, firm):
    """A customer reads in their browser's language: the same page asked for in German
    right after the English one is German, not the kept English page."""
    _sign_in(client, firm.users["customer"])
    _get(client, f"/accounts/{firm.own.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert _get(client, f"/accounts/{firm.own.pk}/", HTTP_ACCEPT_LANGUAGE="en")[KEPT] == "kept"
    german = _get(client, f"/accounts/{firm.own.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    assert KEPT not in german
    assert '<html lang="de">' in german.content.decode()


def test_a_new_day_is_another_page(director, firm, monkeypatch):
    path = f"/accounts/{firm.own.pk}/"
    _get(director, path)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    real = timezone.localdate  # the same module object: pages call it for other days too
    monkeypatch.setattr(
        pagecache.timezone,
        "localdate",
        lambda value=None, *a, **k: tomorrow if value is None else real(value, *a, **k),
    )
    assert KEPT not in _get(director, path)


def test_htmx_partials_are_kept_apart_from_the_page(director, firm):
    path = f"/accounts/{firm.own.pk}/"
    whole = _get(director, path)
    part = director.get(path, HTTP_HX_REQUEST="true")
    assert KEPT not in part
    assert _get(director, path).content == whole.content


def test_a_waiting_message_is_shown_not_a_kept_page(director, firm):
    path = f"/accounts/{firm.own.pk}/"
    _get(director, path)
    assert _get(director, path)[KEPT] == "kept"
    response = HttpResponse()
    CookieStorage(HttpRequest())._store([Message(INFO, "A message kept for you")], response)
    director.cookies["messages"] = response.cookies["messages"].value
    answer = _get(director, path)
    assert KEPT not in answer
    assert "A message kept for you" in answer.content.decode()
    # shown once: the next look is the page again, and it may be kept
    assert "A message kept for you" not in _get(director, path).content.decode()


def test_a_logged_out_reader_gets_no_kept_page(director, firm):
    path = f"/accounts/{firm.own.pk}/"
    _get(director, path)
    director.logout()
    answer = director.get(path)
    assert answer.status_code == 302
    assert "/auth/login/" in answer["Location"]


def test_the_idle_timeout_still_ends_a_session(director, firm, settings):
    path = f"/accounts/{firm.own.pk}/"
    _get(director, path)
    session = director.session
    session["kamkit_seen"] = int(timezone.now().timestamp()) - 3 * 3600
    session.save()
    answer = director.get(path)
    assert answer.status_code == 302
    assert "/auth/login/" in answer["Location"]


def test_without_the_csrf_cookie_nothing_is_kept(client, firm):
    """The page sets the cookie its forms' tokens are made from: kept, it would not."""
    client.force_login(firm.users["director"])
    path = f"/accounts/{firm.own.pk}/"
    first = client.get(path)
    assert settings.CSRF_COOKIE_NAME in first.cookies
    del client.cookies[settings.CSRF_COOKIE_NAME]
    assert KEPT not in client.get(path)


def test_turned_off_nothing_is_kept(director, firm, settings):
    settings.KAMKIT_PAGE_CACHE = False
    path = f"/accounts/{firm.own.pk}/"
    _get(director, path)
    assert KEPT not in _get(director, path)


def test_the_admin_is_never_kept(client, firm):
    _sign_in(client, firm.users["admin"])
    _get(client, "/admin/")
    assert KEPT not in _get(client, "/admin/")
