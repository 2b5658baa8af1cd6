"""Adding a diagnosis case in Chromium (issue 18): an analyst uploads a case file and
reads its report in the app, styled under the Content-Security-Policy; a broken file
is refused with its problems located."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser]


def test_an_analyst_adds_a_case_and_reads_its_report(page, live_server, live_firm):
    log_in(page, live_server.url, "analyst", to=f"{live_server.url}/diagnosis/")
    page.get_by_role("link", name="Add a single case").click()
    page.wait_for_load_state()
    page.fill("textarea[name=text]", "kamkit_case: 1\ntitle: Broken\nunits: []\n")
    page.get_by_role("button", name="Check and store").click()
    page.wait_for_load_state()
    errors = page.locator("#text-errors").inner_text()
    assert "line" in errors  # located, on the page
    page.screenshot(path=str(SHOTS / "diagnosis-case-refused.png"), full_page=True)
    page.fill("textarea[name=text]", "")
    page.set_input_files(
        "input[name=file]", str(ROOT / "examples" / "invented-nordlicht-2024.yaml")
    )
    page.get_by_role("button", name="Check and store").click()
    page.wait_for_load_state()
    # the report in the app's shell: navigation, breadcrumbs, downloads, then the report
    assert page.locator("nav a", has_text="Diagnosis").count() >= 1
    crumbs = page.locator(".crumbs").inner_text()
    assert crumbs.startswith("Diagnosis ›") and "Nordlicht Components" in crumbs
    assert "Stored" in page.locator(".messages").inner_text()
    heading = page.locator("#report h1").inner_text()
    assert heading == "Integration-gap diagnosis: Nordlicht Components (invented)"
    # the report's own styles apply (allowed by their hash, not by 'unsafe-inline'),
    # its colours too (its :root became the shadow root's :host), and the app's stay
    section = page.locator("#report section").first
    assert section.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"
    gap = page.locator("#report svg line.gap").first
    assert gap.evaluate("e => getComputedStyle(e).stroke") == "rgb(192, 57, 43)"
    assert page.locator("#report table.matrix td.gap-yes").count() > 0
    page.screenshot(path=str(SHOTS / "diagnosis-report-in-app.png"), full_page=False)
    # the standalone report downloads as the command line writes it
    with page.expect_download() as download:
        page.locator("#report-downloads").get_by_role("link", name="html").click()
    assert download.value.suggested_filename.endswith(".html")
    page.goto(f"{live_server.url}/diagnosis/")
    expect(page.locator("tbody tr", has_text="Nordlicht Components")).to_have_count(1)
    # and deleted again, after the question
    page.locator("tbody tr", has_text="Nordlicht Components").get_by_role(
        "link", name="Open the report"
    ).click()
    page.get_by_role("link", name="Delete…").click()
    page.get_by_role("button", name="Delete the case").click()
    page.wait_for_load_state()
    assert "Deleted" in page.locator(".messages").inner_text()
    expect(page.locator("tbody tr", has_text="Nordlicht Components")).to_have_count(0)
