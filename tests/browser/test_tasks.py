"""Tasks in Chromium (issue 20): the KA manager adds a task on an account, finds it under
My tasks and ticks it off; on a phone the list does not scroll sideways."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_the_manager_adds_and_ticks_off_a_task(page, live_server, live_firm):
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.locator("#new-task summary").click()
    page.locator("#new-task input[name=title]").fill("Prepare the quarterly review")
    due = dt.date.today() + dt.timedelta(days=6)  # coming up, whatever the day of the run
    page.locator("#new-task input[name=due_on]").fill(due.isoformat())
    page.get_by_role("button", name="Add the task").click()
    page.wait_for_load_state()
    assert "Prepare the quarterly review" in page.locator("#tasks").inner_text()
    page.get_by_role("link", name="Today", exact=True).click()
    page.get_by_role("link", name="All my tasks").click()
    page.wait_for_load_state()
    assert "Prepare the quarterly review" in page.locator("#upcoming").inner_text()
    page.screenshot(path=str(SHOTS / "tasks.png"), full_page=True)
    page.locator("#upcoming").get_by_role("button", name="✓").click()
    page.wait_for_load_state()
    assert "Prepare the quarterly review" in page.locator("#done").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the tasks scroll sideways on a phone ({width} px)"
