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


def test_spraying_many_user_names_from_one_address_locks_the_address(client, firm, settings):
    settings.KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    names = ["manager", "director", "customer", "analyst"]
    for n in range(8):  # two guesses at each: never five at one user name
        assert attempt(client, names[n % 4], f"guess{n}").status_code == 200
    locked = attempt(client, "other_manager", "guess")
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    text = BeautifulSoup(locked.content, "html.parser").select_one("#locked").get_text(" ")
    assert "from this network" in text
    # the right password too, while the address is paused
    assert attempt(client, "director", PASSWORD).status_code == 429
    # another address is not affected
    assert (
        client.post(
            "/auth/login/",
            {"username": "director", "password": PASSWORD},
            REMOTE_ADDR="192.0.2.7",
        ).status_code
        == 302
    )


def test_a_locked_user_name_answers_retry_after(client, firm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, "manager", "guess")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_a_forged_forwarded_for_does_not_escape_the_address_limit(client, firm, settings):
    """A client far away cannot pose as many addresses: X-Forwarded-For is believed only
    from a trusted proxy (default: this machine)."""
    settings.KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for n in range(3):
        client.post(
            "/auth/login/",
            {"username": "manager", "password": "guess"},
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    locked = client.post(
        "/auth/login/",
        {"username": "director", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert locked.status_code == 429
