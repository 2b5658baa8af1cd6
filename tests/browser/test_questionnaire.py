"""A questionnaire in Chromium (issue 19): the analyst starts one for a wave and invites
a partner unit's member; she answers on her phone through the emailed link, in German,
without an account; the analyst sees the progress and the wave has her ratings."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_a_partner_answers_on_her_phone(page, browser, live_server, live_firm):
    log_in(page, live_server.url, "analyst", to=f"{live_server.url}/diagnosis/{live_firm.wave.pk}/")
    page.locator("#wave-surveys").click()
    page.wait_for_load_state()
    expect(page.locator("#no-surveys")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    page.fill("textarea[name=invitees]", "legal, anna@example.com, Anna Berg, de")
    page.get_by_role("button", name="Invite and send the links").click()
    page.wait_for_load_state()
    assert "Invited 1 person" in page.locator("[role=status]").inner_text()
    link = re.search(r"(/q/[^/\s]+/)", mail.outbox[-1].body).group(1)

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(live_server.url + link)
    assert phone.locator("h1").inner_text().startswith("Wie Ihre Einheit arbeitet")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the questionnaire scrolls sideways on a phone ({width} px)"
    items = phone.locator("fieldset.item")
    expect(items).to_have_count(18)
    for i in range(items.count()):
        items.nth(i).locator("label").nth(i % 7).click()
    phone.locator("#consent input").check()
    phone.screenshot(path=str(SHOTS / "questionnaire-phone.png"), full_page=True)
    phone.get_by_role("button", name="Antworten senden").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Vielen Dank"
    phone.context.close()

    page.reload()
    assert "Progress: 1 of 1 answered" in page.locator("#progress").inner_text()
    page.screenshot(path=str(SHOTS / "questionnaire-progress.png"), full_page=True)
    live_firm.wave.refresh_from_db()
    assert "anon-" in live_firm.wave.source_yaml
