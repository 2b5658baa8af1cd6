"""Getting back in (issue 17): forgot the password, the emailed link, a new password,
logged in; on a phone-sized screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser]
SHOTS = Path(__file__).resolve().parents[2] / "kamkit-data" / "screenshots"


def test_a_customer_resets_a_forgotten_password(page, live_server, live_firm):
    SHOTS.mkdir(parents=True, exist_ok=True)
    customer = live_firm.users["customer"]
    customer.email = "chris@alpha.example"
    customer.save()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/auth/login/")
    page.click("text=Forgot your password?")
    page.fill("input[name=email]", "chris@alpha.example")
    page.screenshot(path=str(SHOTS / "password-reset.png"), full_page=True)
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Check your email"
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/auth/password/reset/\S+/", message.body).group(0)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Choose a new password"
    page.fill("input[name=new_password1]", "password")
    page.fill("input[name=new_password2]", "password")
    page.click("button[type=submit]")
    assert "too common" in page.locator("[role=alert]").first.inner_text()
    page.fill("input[name=new_password1]", "blue harbour 1987")
    page.fill("input[name=new_password2]", "blue harbour 1987")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Your new password is saved"
    page.click("text=Log in")
    page.fill("input[name=username]", "customer")
    page.fill("input[name=password]", "blue harbour 1987")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/accounts/{live_firm.own.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
