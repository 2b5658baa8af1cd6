"""Two-factor login (issue 17): a KA manager turns it on with an authenticator app's
code, logs out, and logs in again with password and code; on a phone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser]
SHOTS = Path(__file__).resolve().parents[2] / "kamkit-data" / "screenshots"


def code(later: int = 0) -> str:
    device = TOTPDevice.objects.get(user__username="manager")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def test_a_manager_turns_two_factor_on_and_logs_in_with_a_code(page, live_server, live_firm):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "manager")
    page.click("text=Two-factor")
    page.click("text=Set up two-factor login")
    expect(page.locator("img.qr")).to_be_visible()
    page.screenshot(path=str(SHOTS / "two-factor-setup.png"), full_page=True)
    page.fill("input[name=code]", code())
    page.click("button:has-text('Turn two-factor on')")
    assert "Two-factor login is on" in page.locator(".messages").inner_text()
    page.click("button:has-text('Log out')")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Your code"
    page.fill("input[name=code]", code(later=30))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
