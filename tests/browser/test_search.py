"""Search in Chromium: the KA manager types a name into the top bar's box, finds the
customer's buyer and opens the account; on a phone the box is there and the results do
not scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_the_manager_finds_a_buyer_from_the_top_bar(page, live_server, live_firm):
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/tasks/")
    box = page.locator("header form.topsearch input[name=q]")
    box.fill("eva")
    box.press("Enter")
    page.wait_for_url("**/search/?q=eva")
    people = page.locator("#found-people")
    assert "Eva Buyer" in people.inner_text()
    assert page.locator("#found-accounts").count() == 0
    page.screenshot(path=str(SHOTS / "search.png"), full_page=True)
    people.get_by_role("link", name="Eva Buyer").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/accounts/{live_firm.own.pk}/#people")
    assert "Eva Buyer" in page.locator("#people").inner_text()
    # someone else's account is not found
    page.goto(f"{live_server.url}/search/?q=beta")
    assert "Nothing you may see matches" in page.locator("#found-nothing").inner_text()
    # the role beside the name where the top bar has room for the search box too
    role = page.locator("header .who-role")
    assert not role.is_visible()  # 1280 px: the name alone, the role on hover
    page.set_viewport_size({"width": 1600, "height": 900})
    assert role.is_visible() and role.inner_text().strip() == "· KA manager"
    assert page.locator("header.topbar").bounding_box()["height"] < 70  # one row
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/search/?q=alpha")
    assert page.locator("header form.topsearch input[name=q]").is_visible()
    assert "Alpha Motors" in page.locator("#found-accounts").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the search page scrolls sideways on a phone ({width} px)"


def test_the_manager_searches_an_account_s_timeline(page, live_server, live_firm):
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/accounts/{live_firm.own.pk}/")
    entries = page.locator("#timeline-list ol.timeline > li")
    assert entries.count() > 1
    page.locator("#timeline-q").fill("prep call")
    expect(entries).to_have_count(1)  # typed, not submitted: the list follows (htmx)
    assert "Internal prep call notes" in entries.first.inner_text()
    page.locator("#timeline-q").fill("no such words")
    expect(page.locator("#timeline-list")).to_contain_text("Nothing recorded yet for this filter")


def test_the_manager_finds_a_note_from_the_top_bar(page, live_server, live_firm):
    log_in(page, live_server.url, "manager")
    box = page.locator("header form.topsearch input[name=q]")
    box.fill("prep call")
    box.press("Enter")
    page.wait_for_load_state()
    contacts = page.locator("#found-contacts")
    contacts.get_by_role("link", name="Internal prep call notes").click()
    page.wait_for_load_state()
    # the account opens with its timeline searched for the same words
    assert page.locator("#timeline-q").input_value() == "prep call"
    entries = page.locator("#timeline-list ol.timeline > li")
    expect(entries).to_have_count(1)
    assert "Internal prep call notes" in entries.first.inner_text()
