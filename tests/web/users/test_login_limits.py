"""Login attempts are limited per user name and address, and every login is logged."""

from __future__ import annotations

from axes.models import AccessLog
from bs4 import BeautifulSoup

from tests.personas import PASSWORD


def attempt(client, username: str, password: str):
    return client.post("/auth/login/", {"username": username, "password": password})


def test_five_failures_lock_that_user_name_from_that_address(client, firm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = attempt(client, "manager", "guess")
        assert wrong.status_code == 200  # the form again, with its message
    locked = attempt(client, "manager", "guess")
    assert locked.status_code == 429
    page = BeautifulSoup(locked.content, "html.parser")
    text = page.select_one("#locked").get_text(" ", strip=True)
    assert "Too many failed attempts" in text and "paused for 15 minutes" in text
    # even the right password is refused while locked; no session is created
    assert attempt(client, "manager", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # someone else, from the same address, is not affected
    ok = attempt(client, "director", PASSWORD)
    assert ok.status_code == 302


def test_a_successful_login_is_logged_and_resets_the_count(client, firm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "customer", "guess")
    assert attempt(client, "customer", PASSWORD).status_code == 302
    assert AccessLog.objects.filter(username="customer").exists()
    client.logout()
    # the count started again after the success
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "customer", "guess").status_code == 200
