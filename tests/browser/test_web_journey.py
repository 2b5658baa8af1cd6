"""The web app's main journeys in Chromium: log in, portfolio, account page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser]
SHOTS = Path(__file__).resolve().parents[2] / "kamkit-data" / "screenshots"


def login(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/")
    assert "/auth/login/" in page.url  # sent to log in first
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_director_login_portfolio_account(page, live_server, live_firm):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + "/auth/login/")
    page.fill("input[name=username]", "director")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert (
        page.locator("[role=alert]")
        .inner_text()
        .startswith("That user name and password do not match")
    )
    # as the demo's director: a full name and an unread notification in the navigation
    from kamkit.web.portal.models import Notification
    from kamkit.web.users.models import User

    User.objects.filter(username="director").update(first_name="Dana", last_name="Director")
    Notification.objects.create(
        recipient=live_firm.users["director"], account=live_firm.own, text="Eva wrote"
    )
    login(page, live_server.url, "director")
    assert page.url.endswith("/accounts/")
    # seven links, the search box and the login's links: one row at 1280 px
    assert "Notifications (1)" in page.locator("header nav").inner_text()
    assert page.locator("header.topbar").bounding_box()["height"] < 70
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    page.screenshot(path=str(SHOTS / "portfolio.png"), full_page=True)
    # typing in the search box filters through htmx, without a page load
    page.fill("#portfolio-q", "beta")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    assert "q=beta" in page.url
    page.locator("table.list a", has_text="Beta Energy").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Beta Energy"
    assert "Decline" in page.locator("#phase").inner_text()
    page.screenshot(path=str(SHOTS / "account.png"), full_page=True)
    # the accounts nobody has contacted for a month: one click from the portfolio
    page.goto(live_server.url + "/accounts/")
    page.locator("#no-contact").click()
    page.wait_for_load_state()
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    assert page.locator("table.list tbody tr td.contact").inner_text() == "never"


def test_manager_edits_an_account_inline(page, live_server, live_firm):
    log_in(page, live_server.url, "manager")
    page.locator("table.list a", has_text="Alpha Motors").click()
    page.wait_for_load_state()
    page.locator("#edit summary").click()
    page.fill("#account-form input[name=industry]", "electric vehicles")
    page.click("#account-form button[type=submit]")
    page.wait_for_selector("#account-form .ok")
    assert "Saved." in page.locator("#account-form").inner_text()
    page.reload()
    assert "electric vehicles" in page.locator(".page-head").inner_text()


def test_customer_lands_on_its_account(page, live_server, live_firm):
    login(page, live_server.url, "customer")
    assert page.url.endswith(f"/accounts/{live_firm.own.pk}/")
    text = page.locator("main").inner_text()
    assert "Price review due." not in text and "Maturity" in text
    assert page.locator("nav a").all_inner_texts() == [
        "Our account",
        "Tasks",
        "Notifications",
    ]
    page.goto(f"{live_server.url}/accounts/{live_firm.other.pk}/")
    assert page.locator("h1").inner_text() == "Not found"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    # the navigation is one row of its own, not a column pushing the page down
    assert page.locator("header.topbar").bounding_box()["height"] < 100
    page.screenshot(path=str(SHOTS / "customer-phone.png"), full_page=True)


def test_manager_records_realized_value_for_both_sides(page, live_server, live_firm):
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.locator("#timeline li", has_text="Joint pilot line").get_by_role(
        "link", name="Edit"
    ).click()
    page.wait_for_load_state()
    page.select_option("select[name=status]", "realized")
    page.fill("input[name=realized_value_supplier]", "8000")
    page.fill("input[name=realized_value_customer]", "15000")
    page.screenshot(path=str(SHOTS / "initiative.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    errors = page.locator(".error, .field-error").all_inner_texts()
    assert errors == [], errors
    assert "Saved “Joint pilot line”." in page.locator(".messages").inner_text()
    assert "Realized" in page.locator("#timeline li", has_text="Joint pilot line").inner_text()


def test_director_creates_deletes_and_restores_an_account_on_a_phone(page, live_server, live_firm):
    """A new key account won: created from the portfolio, found on the manager's list;
    deleted by mistake, and back with Undo; the page stays the phone's width."""
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "director")
    page.click("#account-actions a:has-text('New account')")
    page.fill("#new-account input[name=name]", "Gamma Rail")
    page.fill("#new-account input[name=revenue_share]", "7")
    page.click("#new-account button[type=submit]")
    error = page.locator("#new-account .field-error")
    expect(error).to_have_count(1)
    assert "5" in error.inner_text()  # the score's range, named at the field
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#new-account input[name=revenue_share]", "4")
    manager = live_firm.users["manager"]
    page.select_option("#new-account select[name=ka_manager]", value=str(manager.pk))
    page.click("#new-account button[type=submit]")
    expect(page.locator("h1")).to_have_text("Gamma Rail")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("Created Gamma Rail.")
    page.locator("#edit summary").click()
    page.click("#delete-account button")
    expect(page.locator("#undo-delete")).to_contain_text("Gamma Rail")
    expect(page.locator("table.list tbody tr", has_text="Gamma Rail")).to_have_count(0)
    page.click("#undo-delete button")
    expect(page.locator("h1")).to_have_text("Gamma Rail")
    page.screenshot(path=str(SHOTS / "account-created-phone.png"), full_page=True)
    # deleted again, and restored later from the list of deleted accounts
    page.locator("#edit summary").click()
    page.click("#delete-account button")
    page.click("#deleted-link")
    row = page.locator("#deleted-accounts tbody tr", has_text="Gamma Rail")
    row.locator("button").click()
    expect(page.locator("h1")).to_have_text("Gamma Rail")
    expect(page.locator(".messages")).to_contain_text("Restored Gamma Rail.")
    from kamkit.web.accounts.models import Account

    assert Account.objects.alive().get(name="Gamma Rail").ka_manager_id == manager.pk


def test_director_reassigns_a_leaving_manager_s_accounts(page, live_server, live_firm):
    from kamkit.web.accounts.models import Account

    leaving, successor = live_firm.users["manager"], live_firm.other.ka_manager
    log_in(page, live_server.url, "director")
    page.select_option("form.filters select[name=ka_manager]", value=str(leaving.pk))
    expect(page.locator("table.list tbody tr")).to_have_count(1)  # htmx, no page load
    box = page.locator("#reassign-box")
    expect(box.locator("summary")).to_contain_text("Reassign this account")
    box.locator("summary").click()
    box.locator("select[name=ka_manager]").select_option(value=str(successor.pk))
    box.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Reassigned 1 of 1 account to")
    expect(page.locator("table.list tbody tr")).to_have_count(0)  # the filter still applies
    assert Account.objects.get(pk=live_firm.own.pk).ka_manager_id == successor.pk
