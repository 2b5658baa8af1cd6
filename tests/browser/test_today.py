"""Today in Chromium: the KA manager starts the day there, ticks off an overdue task,
opens the problem a customer waits on, and the list fits a phone."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.web.relationships.models import Task
from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_the_manager_works_through_today(page, live_server, live_firm):
    Task.objects.create(
        account=live_firm.own,
        title="Send the offer",
        due_on=dt.date.today() - dt.timedelta(days=2),
        owner=live_firm.users["manager"],
    )
    from kamkit.web.assessment.models import IndexAlert

    alert = IndexAlert.objects.create(
        account=live_firm.own, on=dt.date.today() - dt.timedelta(days=1), index=55, earlier=71
    )
    log_in(page, live_server.url, "manager")
    page.get_by_role("link", name="Today", exact=True).click()
    page.wait_for_load_state()
    items = page.locator("#today-list li.today-item")
    assert items.count() == 3
    # the fall of the index: say what will be done; it leaves the list
    fell = page.locator("li.kind-index_fell")
    fell.locator("summary", has_text="Answer").click()
    fell.locator("textarea[name=answer]").fill("Workshop with their plant manager.")
    fell.get_by_role("button", name="Send the answer").click()
    page.wait_for_load_state()
    assert "the others who were alerted are told" in page.locator(".messages").inner_text()
    alert.refresh_from_db()
    assert alert.answer == "Workshop with their plant manager."
    assert items.count() == 2
    first = items.nth(0)
    assert "Overdue by 2 days: Send the offer" in first.inner_text()
    assert "Late deliveries" in items.nth(1).inner_text()
    page.screenshot(path=str(SHOTS / "today.png"), full_page=True)
    first.get_by_role("button", name="Done").click()
    page.wait_for_load_state()
    assert page.url.endswith("/today/")
    assert "done" in page.locator(".messages").inner_text()
    assert page.locator("#today-list li.today-item").count() == 1
    # the customer waits: Answer opens the problem at its shared thread
    page.get_by_role("link", name="Answer").click()
    page.wait_for_load_state()
    assert page.url.endswith("#thread")
    assert "Late deliveries" in page.locator("h1").inner_text()
    # on a phone the list reads top to bottom, without sideways scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/today/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"Today scrolls sideways on a phone ({width} px)"
    page.screenshot(path=str(SHOTS / "today-phone.png"), full_page=True)
