"""Optional two-factor login (TOTP) for the firm's people (issue 17)."""

from __future__ import annotations

import time

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kamkit.web.users import two_factor
from tests.personas import PASSWORD


def code_of(device: TOTPDevice, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def turned_on(user) -> TOTPDevice:
    device = two_factor.start(user)
    two_factor.confirm(user, code_of(device))
    device.refresh_from_db()
    return device


def post_login(client, username: str, password: str = PASSWORD):
    return client.post("/auth/login/", {"username": username, "password": password})


def test_with_two_factor_the_password_alone_does_not_log_in(client, firm):
    device = turned_on(firm.users["manager"])
    first = post_login(client, "manager")
    assert first.status_code == 302 and first["Location"] == "/auth/two-factor/"
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/").status_code == 302  # still logged out
    wrong = client.post(
        "/auth/two-factor/", {"code": "000000" if code_of(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 422
    assert (
        "does not match"
        in BeautifulSoup(wrong.content, "html.parser").select_one("[role=alert]").get_text()
    )
    assert "_auth_user_id" not in client.session
    # django-otp slows repeated wrong codes down; the right one after the pause logs in
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = client.post("/auth/two-factor/", {"code": code_of(device, later=30)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(firm.users["manager"].pk)
    assert client.get("/accounts/").status_code == 200


def test_without_two_factor_the_password_logs_in(client, firm):
    assert post_login(client, "director")["Location"] != "/auth/two-factor/"
    assert client.session["_auth_user_id"] == str(firm.users["director"].pk)


def test_the_second_step_needs_a_fresh_password_step(client, firm, settings):
    turned_on(firm.users["manager"])
    assert client.get("/auth/two-factor/")["Location"] == "/auth/login/"  # no password yet
    post_login(client, "manager")
    session = client.session
    pending = session["kamkit_two_factor"]
    pending["at"] -= settings.KAMKIT_TWO_FACTOR_MINUTES * 60 + 1
    session["kamkit_two_factor"] = pending
    session.save()
    assert client.get("/auth/two-factor/")["Location"] == "/auth/login/"


def test_setting_up_and_turning_off_on_the_page(client, firm):
    manager = firm.users["manager"]
    client.force_login(manager)
    page = client.post("/auth/two-factor/setup/", {"action": "start"})
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("img.qr")["src"].startswith("data:image/svg+xml;base64,")
    assert soup.select_one("#totp-secret").get_text().strip()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    bad = client.post("/auth/two-factor/setup/", {"action": "confirm", "code": "12"})
    assert bad.status_code == 422 and b"6 digits" in bad.content
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    on = client.post(
        "/auth/two-factor/setup/", {"action": "confirm", "code": code_of(device)}, follow=True
    )
    assert b"Two-factor login is on" in on.content
    assert two_factor.device_of(manager) is not None
    off = client.post(
        "/auth/two-factor/setup/", {"action": "off", "code": code_of(device, later=30)}, follow=True
    )
    assert b"Two-factor login is off" in off.content
    assert not TOTPDevice.objects.filter(user=manager).exists()


def test_customers_log_in_with_their_password_only(client, firm):
    with pytest.raises(PermissionDenied):
        two_factor.start(firm.users["customer"])
    client.force_login(firm.users["customer"])
    assert client.get("/auth/two-factor/setup/").status_code == 403


def test_codes_are_checked_by_name(firm):
    two_factor.start(firm.users["manager"])
    for code in ("", "abcdef", "1234567"):
        with pytest.raises(ValidationError) as refused:
            two_factor.confirm(firm.users["manager"], code)
        assert "6 digits" in refused.value.message_dict["code"][0]
