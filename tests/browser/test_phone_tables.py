"""On a phone, list tables show their first three columns (app.css); a column of actions
(Edit, Open, Remove, downloads: class ``stay``) must stay, or a phone cannot act on a row.
Found hidden before: the diagnosis list's reports and downloads, a project's case files,
the preferences' Edit, a wave's Edit links and Remove on coded statements."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]

HIDDEN_ACTIONS = """() => [...document.querySelectorAll('table.list td')]
  .filter(td => getComputedStyle(td).display === 'none' && td.querySelector('a, button'))
  .map(td => (td.closest('table').id || 'table') + ' column ' + (td.cellIndex + 1))"""


def test_every_row_s_actions_stay_on_a_phone(page, live_server, live_firm):
    from kamkit.web.relationships.models import CommunicationPreference

    assert CommunicationPreference.objects.filter(account=live_firm.own).exists()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "director")
    wave = live_firm.wave.pk
    paths = [
        "/diagnosis/",
        f"/diagnosis/projects/{live_firm.project.pk}/",
        f"/accounts/{live_firm.own.pk}/preferences/",
        f"/diagnosis/{wave}/edit/",
        f"/diagnosis/{wave}/statements/",
        "/accounts/deleted/",
    ]
    for path in paths:
        page.goto(live_server.url + path)
        assert page.locator("table.list td a, table.list td button").count(), path
        assert page.evaluate(HIDDEN_ACTIONS) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_the_plan_s_hours_stay_on_a_phone(page, live_server, live_firm):
    """The plan's key figure, each account's hours, stays; the KA manager column makes
    room for it, and the table fits the phone without scrolling sideways."""
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "director", to=live_server.url + "/assessment/plan/")
    table = page.locator("#accounts table.list")
    expect(table.locator("th", has_text="Hours")).to_be_visible()
    expect(table.locator("th", has_text="KA manager")).to_be_hidden()
    box = page.locator("#accounts .scroll")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(table.locator("th", has_text="KA manager")).to_be_visible()


def test_the_portfolio_shows_each_account_s_index_on_a_phone(page, live_server, live_firm):
    from kamkit.web.assessment.models import AssessmentSnapshot, LatestAssessment
    from kamkit.web.assessment.services import assess_portfolio

    assess_portfolio()
    assert LatestAssessment.objects.exists() and AssessmentSnapshot.objects.exists()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "director")
    table = page.locator("#portfolio-table table.list")
    expect(table.locator("th", has_text="Index")).to_be_visible()
    expect(table.locator("th", has_text="Industry")).to_be_hidden()
    assert page.locator("#portfolio-table .scroll").evaluate("e => e.scrollWidth <= e.clientWidth")
