"""German in Chromium (issue 20): a customer whose browser asks for German works in
German on a phone; a KA manager switches to German and the account page, its lever and
its dates follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = [pytest.mark.browser]


def test_a_german_customer_raises_a_problem_in_german(browser, live_server, live_firm):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="de-DE",
        extra_http_headers={"Accept-Language": "de-DE,de;q=0.9"},
    )
    page = context.new_page()
    log_in(page, live_server.url, "customer")
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_role("link", name="Ein Problem melden").click()
    expect(page.locator("h1")).to_have_text("Ein Problem melden")
    page.fill("input[name=title]", "Paletten ohne Etiketten")
    page.fill("textarea[name=framing]", "Seit Montag kommen Paletten ohne Etiketten an.")
    page.get_by_role("button", name="Melden", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Das Team Ihres Lieferanten ist informiert")
    assert "Wo es steht" in page.locator("#stages").inner_text()
    assert "Von Ihrer Seite gemeldet am" in page.locator(".page-head").inner_text()
    page.screenshot(path=str(SHOTS / "german-customer-problem.png"), full_page=True)
    context.close()


def test_a_manager_switches_to_german(page, live_server, live_firm):
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/accounts/{live_firm.own.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("form.language select", "de")
    page.locator("form.language button").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert "Offene Aufgaben" in page.locator("#tasks h2").inner_text()
    assert "Personen" in page.locator("#people h2").inner_text()
    page.screenshot(path=str(SHOTS / "german-account.png"), full_page=True)
    page.select_option("form.language select", "en")
    page.locator("form.language button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
