"""A declining account in Chromium (SPEC §2.3): the director sees 'decision needed' on
the portfolio, follows it, decides to wind the account down with a reason, and finds the
decision in force, in the history and on the account page; a phone-sized screen reads
the same page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_web_journey import SHOTS, login

pytestmark = [pytest.mark.browser]


def test_the_director_decides_what_happens_to_a_declining_account(page, live_server, live_firm):
    declining = live_firm.other
    login(page, live_server.url, "director")
    page.goto(f"{live_server.url}/accounts/")
    chip = page.locator("#decisions-needed")
    assert "Decision needed 1" in chip.inner_text()
    chip.click()
    page.wait_for_load_state()
    row = page.locator("#portfolio-table tbody tr", has_text=declining.name)
    row.get_by_role("link", name="decision needed").click()
    page.wait_for_load_state()
    assert "Revive or wind down?" in page.locator("h1").inner_text()
    expect(page.locator("#decision-needed")).to_be_visible()

    # without a reason the server names the field and records nothing
    page.get_by_label("Wind down").check()
    page.locator("#record form").evaluate("f => f.noValidate = true")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert "This field is required" in page.locator("#record").inner_text()
    assert "No decision recorded yet" in page.locator("#history").inner_text()

    page.get_by_label("Wind down").check()
    page.locator("textarea[name=reason]").fill("They moved to a single supplier.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert page.locator("#decision-in-force").inner_text() == "Wind down"
    history = page.locator("#history tbody tr").first.inner_text()
    assert "Wind down" in history and "They moved to a single supplier." in history
    page.screenshot(path=str(SHOTS / "decline-decision.png"), full_page=True)

    page.goto(f"{live_server.url}/accounts/{declining.pk}/")
    assert "wind down" in page.locator("#account-decision").inner_text()
    page.goto(f"{live_server.url}/accounts/")
    expect(page.locator("#decisions-needed")).to_have_count(0)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/{declining.pk}/decline-decision/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
