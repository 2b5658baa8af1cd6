"""Adding a diagnosis case in Chromium (issue 18): an analyst uploads a case file and
reads its report in the app, styled under the Content-Security-Policy; a broken file
is refused with its problems located."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser]


def test_an_analyst_adds_a_case_and_reads_its_report(page, live_server, live_firm):
    log_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/diagnosis/")
    page.get_by_role("link", name="Add a case").click()
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
    assert page.title().startswith("Integration-gap diagnosis: Nordlicht Components")
    # the report's own styles apply (allowed by their hash, not by 'unsafe-inline')
    background = page.locator("section").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    page.screenshot(path=str(SHOTS / "diagnosis-report-in-app.png"), full_page=False)
    page.goto(f"{live_server.url}/diagnosis/")
    assert page.locator("tbody tr", has_text="Nordlicht Components").count() == 1
