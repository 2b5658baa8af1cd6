"""The KA manager's problem work in Chromium (issue 15): raise a problem from the account
page with people of both sides, reply to the customer, add an internal note, move the
stage and take the move back; the customer's person reads the reply (never the note)
and is told. Long unbroken text wraps on a phone-sized screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_web_journey import SHOTS, login

pytestmark = [pytest.mark.browser]


def test_the_manager_raises_answers_and_undoes(page, browser, live_server, live_firm):
    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.get_by_role("link", name="Raise a problem").click()
    page.wait_for_load_state()
    page.fill("input[name=title]", "Dock slots full on Mondays")
    page.fill("textarea[name=framing]", "Our trucks wait " + "two-hours-" * 40)
    page.get_by_label("Shared with the customer").check()
    page.get_by_label("Chris Customer (customer)").check()
    page.get_by_role("button", name="Raise").click()
    page.wait_for_load_state()
    assert "Dock slots full on Mondays" in page.locator("h1").inner_text()

    page.fill("#reply textarea[name=text]", "A second truck from next Monday.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    page.fill("#reply textarea[name=text]", "Ask the carrier for a credit note.")
    page.get_by_label("Internal note (the customer never sees it)").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    thread = page.locator("#thread").inner_text()
    assert "A second truck" in thread and "internal note" in thread

    problem_url = page.url.split("#")[0]
    # nothing to agree on before the customer has framed it
    expect(page.get_by_role("button", name="We agree on this definition")).to_have_count(0)
    assert "the customer's framing" in page.locator("#definition-missing").inner_text()

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(phone, live_server.url, "customer")
    # raised and replied: two things the customer is told of
    phone.get_by_role("link", name="Notifications (2)").click()
    phone.wait_for_load_state()
    told = phone.locator("#notifications").inner_text()
    assert "commented on “Dock slots full on Mondays”" in told
    phone.get_by_role("link", name="manager raised a problem: Dock slots full on Mondays").click()
    phone.wait_for_load_state()
    body = phone.locator("main").inner_text()
    assert "A second truck from next Monday." in body and "credit note" not in body
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the problem page scrolls sideways on a phone ({width} px)"
    phone.fill("textarea[name=framing]", "The dock closes at 14:00 on Mondays")
    phone.get_by_role("button", name="Save your framing").click()
    phone.wait_for_load_state()
    phone.get_by_role("button", name="We agree on what the problem is").click()
    phone.wait_for_load_state()
    assert "your supplier's team agrees next" in phone.locator(".messages").inner_text()
    phone.screenshot(path=str(SHOTS / "problem-customer-phone.png"), full_page=True)
    phone.context.close()

    page.goto(problem_url)
    page.get_by_role("button", name="We agree on this definition").click()
    page.wait_for_load_state()
    assert "the problem is jointly defined" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Move to solution designed").click()
    page.wait_for_load_state()
    page.goto(problem_url)
    page.locator("#undo summary").click()
    page.fill("#undo input[name=reason]", "Not agreed with the buyer yet")
    page.get_by_role("button", name="Undo the move to solution designed").click()
    page.wait_for_load_state()
    assert "Moved back to jointly defined" in page.locator("body").inner_text()
    assert "Not agreed with the buyer yet" in page.locator("#undone").inner_text()
    page.screenshot(path=str(SHOTS / "problem-work.png"), full_page=True)
