"""Correcting the timeline in Chromium (issue 15): the KA manager logs a contact, fixes
its summary on its page, deletes it from the timeline and takes the deletion back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_web_journey import SHOTS, login

pytestmark = [pytest.mark.browser]


def test_edit_delete_and_undo_a_contact(page, live_server, live_firm):
    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    entry = page.locator("#timeline-list li", has_text="Internal prep call notes")
    entry.get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    page.fill("textarea[name=summary]", "Prep call: pricing for Q1")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Saved." in page.locator(".messages").inner_text()
    entry = page.locator("#timeline-list li", has_text="Prep call: pricing for Q1")
    entry.get_by_role("button", name="Delete").click()
    page.wait_for_load_state()
    assert "Deleted:" in page.locator("#undo-delete").inner_text()
    expect(page.locator("#timeline-list li", has_text="Prep call: pricing")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "timeline-undo.png"), full_page=False)
    page.locator("#undo-delete").get_by_role("button", name="Undo").click()
    page.wait_for_load_state()
    assert "Restored" in page.locator(".messages").inner_text()
    expect(page.locator("#timeline-list li", has_text="Prep call: pricing")).to_have_count(1)
    page.goto(f"{live_server.url}/accounts/interactions/{live_firm.records['interactions'].pk}/")
    changes = page.locator("#changes").inner_text()
    assert "Changed by manager: summary" in changes  # the field, by its label
    assert "Changed by manager: deleted" in changes and "Changed by manager: restored" in changes


def test_start_an_initiative_and_correct_a_heard_pulse(page, live_server, live_firm):
    from kamkit.web.relationships.models import JointInitiative, Pulse

    Pulse.objects.create(account=live_firm.own, person=live_firm.own_person, trust=4)
    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.get_by_role("link", name="New initiative").click()
    page.wait_for_load_state()
    page.fill("input[name=title]", "Consignment stock")
    page.select_option("select[name=status]", "agreed")
    page.fill("input[name=supplier_effort_days]", "10")
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    assert "Started “Consignment stock”" in page.locator(".messages").inner_text()
    made = JointInitiative.objects.get(title="Consignment stock")
    assert (made.status, made.supplier_effort_days) == ("agreed", 10)

    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    heard = page.locator("#timeline-list li", has_text="Pulse by Eva Buyer")
    heard.get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    page.select_option("select[name=trust]", "6")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Saved." in page.locator(".messages").inner_text()
    assert (
        "trust 6" in page.locator("#timeline-list li", has_text="Pulse by Eva Buyer").inner_text()
    )
    # Chris's own pulse (Chris has a login) offers neither Edit nor Delete
    theirs = page.locator("#timeline-list li", has_text="Pulse by Chris Customer")
    expect(theirs.get_by_role("link", name="Edit")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "pulse-corrected.png"), full_page=False)


def test_a_long_unbroken_summary_wraps_on_a_phone(page, live_server, live_firm):
    """Issue 15: a summary is at most 2,000 characters, and even one unbroken word of
    that length wraps instead of widening the account page."""
    from kamkit.web.relationships import services

    services.log_interaction(
        live_firm.users["manager"],
        live_firm.own,
        {"channel": "email", "initiated_by": "supplier", "two_way": False, "summary": "x" * 2000},
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the account page scrolls sideways on a phone ({width} px)"


def test_show_more_continues_the_timeline_and_the_assessment_says_how_fresh(
    page, live_server, live_firm
):
    import datetime as dt

    from django.utils import timezone

    from kamkit.web.relationships.models import Interaction

    base = timezone.now() - dt.timedelta(days=2)
    Interaction.objects.bulk_create(
        Interaction(
            account=live_firm.own,
            channel="email",
            initiated_by="supplier",
            two_way=False,
            occurred_at=base - dt.timedelta(hours=n),
            summary=f"Mail number {n}",
        )
        for n in range(40)
    )
    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    freshness = page.locator("#assessment-freshness").inner_text()
    assert "up to date with every record" in freshness or "computed just now" in freshness
    entries = page.locator("#timeline ol.timeline li")
    expect(entries).to_have_count(25)
    page.get_by_role("button", name="Show more").click()
    entries.nth(25).wait_for()  # the next page, below the first
    page.locator("#timeline .pager").wait_for(state="detached")
    texts = entries.all_inner_texts()
    mails = [t for t in texts if "Mail number" in t]
    assert len(mails) == 40 and len(set(texts)) == len(texts)  # each once
    expect(page.get_by_role("button", name="Show more")).to_have_count(0)  # the end
    assert "Mail number 39" in mails[-1]
    page.screenshot(path=str(SHOTS / "timeline-more.png"), full_page=True)
