"""Sessions, headers and the data folder (issue 17): idle timeout, no caching of what a
user sees, the Content-Security-Policy, who may claim HTTPS, private files."""

from __future__ import annotations

import os
import stat
import time

import pytest
from django.conf import settings as django_settings

from tests.personas import PASSWORD


def login(client, username: str) -> None:
    answer = client.post("/auth/login/", {"username": username, "password": PASSWORD})
    assert answer.status_code == 302


def age_session(client, seconds: int) -> None:
    session = client.session
    session["kamkit_seen"] = int(time.time()) - seconds
    session.save()


def test_a_session_ends_after_its_idle_time(client, firm, settings):
    settings.KAMKIT_IDLE_MINUTES = 10
    login(client, "manager")
    assert client.get("/accounts/").status_code == 200  # starts the clock
    age_session(client, 9 * 60)
    assert client.get("/accounts/").status_code == 200
    age_session(client, 11 * 60)
    response = client.get("/accounts/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/auth/login/")
    assert b"logged out after 10 minutes without activity" in response.content
    assert "_auth_user_id" not in client.session


def test_customers_have_the_shorter_idle_time(client, firm, settings):
    settings.KAMKIT_IDLE_MINUTES = 120
    settings.KAMKIT_CUSTOMER_IDLE_MINUTES = 30
    login(client, "customer")
    page = f"/accounts/{firm.own.pk}/"  # the customer's own account
    assert client.get(page).status_code == 200
    age_session(client, 31 * 60)
    client.get("/portal/")
    assert "_auth_user_id" not in client.session
    login(client, "manager")
    client.get("/accounts/")
    age_session(client, 31 * 60)
    assert client.get("/accounts/").status_code == 200  # a manager's 2 hours


def test_the_api_after_the_idle_time_is_401(client, firm, settings):
    settings.KAMKIT_IDLE_MINUTES = 5
    login(client, "manager")
    assert client.get("/api/v1/accounts").status_code == 200
    age_session(client, 6 * 60)
    assert client.get("/api/v1/accounts").status_code == 401


def test_what_a_user_sees_is_never_cached(client, firm):
    login(client, "manager")
    urls = ["/accounts/", f"/accounts/{firm.own.pk}/", "/api/v1/accounts", "/accounts/?export=csv"]
    for url in urls:
        assert "no-store" in client.get(url)["Cache-Control"].split(", "), url
    client.logout()
    assert "no-store" in client.get("/auth/login/")["Cache-Control"].split(", ")


def test_content_security_policy_allows_no_inline_scripts(client, firm):
    login(client, "manager")
    policy = client.get("/accounts/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["style-src"] == "'self'"


@pytest.mark.parametrize(("peer", "believed"), [("127.0.0.1", True), ("198.51.100.9", False)])
def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(rf, peer, believed):
    from kamkit.web.middleware import TrustedProxy

    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        seen["addr"] = request.META["REMOTE_ADDR"]
        return None

    request = rf.get(
        "/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    from django.test import override_settings

    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        TrustedProxy(view)(request)
    assert seen["secure"] is believed
    assert seen["addr"] == ("203.0.113.5" if believed else peer)


def test_the_data_folder_and_its_files_are_private(tmp_path):
    from kamkit.web.settings import _private

    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    (folder / "kamkit.sqlite3").write_text("x")
    (folder / "kamkit.sqlite3").chmod(0o644)
    _private(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "kamkit.sqlite3").stat().st_mode) == 0o600
    new = folder / "rejects.csv"
    new.write_text("y")  # written after: created private
    assert stat.S_IMODE(new.stat().st_mode) & 0o077 == 0


def test_the_running_data_folder_is_private():
    mode = stat.S_IMODE(os.stat(django_settings.DATA_DIR).st_mode)
    assert mode & 0o077 == 0
