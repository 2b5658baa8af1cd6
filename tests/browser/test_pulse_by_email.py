"""A relationship pulse by email in Chromium (issue 19): the KA manager asks a customer
contact from the account page; the contact answers on a phone through the link, without
an account; the manager sees it answered."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_a_customer_contact_answers_a_pulse_on_the_phone(page, browser, live_server, live_firm):
    eva = live_firm.own_person
    eva.email = "eva@alpha.example"
    eva.save()
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.locator("#ask-pulse").click()
    page.wait_for_load_state()
    page.get_by_label(re.compile(r"eva@alpha\.example")).check()
    page.get_by_role("button", name="Send the links").click()
    page.wait_for_load_state()
    assert "Asked 1 person" in page.locator("[role=status]").first.inner_text()
    link = re.search(r"(/q/[^/\s]+/)", mail.outbox[-1].body).group(1)

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(live_server.url + link)
    items = phone.locator("fieldset.item:not(#item-phase)")
    expect(items).to_have_count(13)
    for i in range(items.count()):
        items.nth(i).locator("label").nth(4).click()
    phone.locator("#item-phase").get_by_label(re.compile("established and stable")).check()
    phone.locator("#consent input").check()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the pulse scrolls sideways on a phone ({width} px)"
    phone.screenshot(path=str(SHOTS / "pulse-by-email-phone.png"), full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Thank you"
    phone.context.close()

    page.reload()
    assert "Progress: 1 of 1 answered" in page.locator("#progress").inner_text()
