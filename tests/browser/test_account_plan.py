"""The account plan in Chromium (issue 20): the KA manager adds a shared objective with
a target and reviews it; the customer reads the mutual plan and comments."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_a_shared_objective_from_the_manager_to_the_customer(page, live_server, live_firm):
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.locator("#plan-progress a").click()
    page.wait_for_load_state()
    page.locator("#new-objective summary").click()
    page.fill("#new-objective input[name=title]", "Grow our share of wallet")
    page.fill("#new-objective input[name=start_value]", "20")
    page.fill("#new-objective input[name=current_value]", "20")
    page.fill("#new-objective input[name=target_value]", "40")
    page.check("#new-objective input[name=shared]")
    page.locator("#new-objective").get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()
    card = page.locator(".objective", has_text="Grow our share of wallet")
    card.locator("input[name=current_value]").fill("30")
    card.get_by_role("button", name="Reviewed today").click()
    page.wait_for_load_state()
    assert (
        "50 % of the way"
        in page.locator(".objective", has_text="Grow our share of wallet").inner_text()
    )
    page.screenshot(path=str(SHOTS / "account-plan.png"), full_page=True)

    page.context.clear_cookies()
    log_in(
        page, live_server.url, "customer", to=f"{live_server.url}/accounts/{live_firm.own.pk}/plan/"
    )
    assert page.locator("h1").inner_text().startswith("Our mutual plan")
    mine = page.locator(".objective", has_text="Grow our share of wallet")
    mine.locator("textarea[name=text]").fill("Let us add a joint forecast.")
    mine.get_by_role("button", name="Comment").click()
    page.wait_for_load_state()
    assert (
        "Let us add a joint forecast."
        in page.locator(".objective", has_text="Grow our share of wallet").inner_text()
    )
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the plan scrolls sideways on a phone ({width} px)"
