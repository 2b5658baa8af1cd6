"""The plan of the KAM hours in Chromium: the director plans with a capacity, reads why an
account got its hours, exports; the KA manager sees their to-do."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_web_journey import SHOTS, login

pytestmark = [pytest.mark.browser]


def test_director_plans_the_hours_and_the_manager_reads_the_to_do(
    page,
    browser,
    live_server,
    live_firm,
):
    from kamkit.web.assessment.services import assess_portfolio

    assess_portfolio()
    login(page, live_server.url, "director")
    page.get_by_role("link", name="Plan hours").click()
    page.wait_for_load_state()
    # the form refuses negative hours itself; the server names them too
    page.goto(f"{live_server.url}/assessment/plan/?hours=-3")
    assert "hours must lie between 0" in page.locator("[role=alert]").inner_text()
    page.fill("input[name=hours]", "40")
    page.fill("input[name=minimum]", "2")
    manager = live_firm.users["manager"].pk
    page.fill(f"input[name=capacity_{manager}]", "10")
    page.get_by_role("button", name="Plan").click()
    page.wait_for_load_state()
    summary = page.locator("#summary").inner_text()
    # the other account has no scores yet: it keeps its minimum, the rest is capped
    assert "12.0 of 40.0 hours placed" in summary
    assert "28.0 of the 40 hours are not planned" in summary
    assert "proportion to revenue" in summary
    expect(page.locator("#summary svg")).to_have_count(2)  # comparison and phases charts
    first = page.locator("#accounts details").first
    first.locator("summary").click()
    assert "the last hour still raises the account's index by" in first.inner_text()
    own_hours = (
        page.locator("#accounts tbody tr", has_text=live_firm.own.name).locator("td.num").first
    )
    assert float(own_hours.inner_text()) <= 10
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "kamkit-plan.csv"
    page.screenshot(path=str(SHOTS / "plan.png"), full_page=True)

    manager_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(manager_page, live_server.url, "manager")
    manager_page.get_by_role("link", name="Plan").click()
    manager_page.wait_for_load_state()
    assert "Your hours for the period" in manager_page.locator("h1").inner_text()
    names = manager_page.locator("#accounts tbody td:first-child").all_inner_texts()
    assert names == [live_firm.own.name]
    manager_page.context.close()
