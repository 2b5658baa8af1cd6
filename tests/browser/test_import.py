"""The director imports a Salesforce export in Chromium (issue 16): uploads the files,
reads the preview (one file has a row pointing at an unknown account, listed with its
reason), imports, and finds the accounts in the portfolio; a phone reads the preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_web_journey import SHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports" / "salesforce"


def test_the_director_previews_and_imports_a_crm_export(page, live_server, live_firm, tmp_path):
    contacts = tmp_path / "Contact.csv"
    contacts.write_text(
        (EXAMPLES / "Contact.csv").read_text() + "0038d000003ZZZZ,001NOSUCH,Zed,Zulu,,,,,\n"
    )
    login(page, live_server.url, "director")
    page.goto(f"{live_server.url}/accounts/")
    page.get_by_role("link", name="Import").click()
    page.wait_for_load_state()
    expect(page.locator("#no-runs")).to_be_visible()
    page.locator("input[type=file]").set_input_files(
        [str(EXAMPLES / "Account.csv"), str(contacts), str(EXAMPLES / "Event.csv")]
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "What this import would change"
    summary = page.locator("#summary tbody tr")
    expect(summary).to_have_count(3)
    assert "no: it has invalid rows" in summary.nth(1).inner_text()
    assert "unknown account '001NOSUCH'" in page.locator("table.rejects").inner_text()
    page.screenshot(path=str(SHOTS / "import-preview.png"), full_page=True)

    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Imported"
    page.goto(f"{live_server.url}/accounts/?q=Nordwerk")
    assert "Nordwerk Holding" in page.locator("#portfolio-table").inner_text()
    # the list downloads as it is filtered, in the columns kamkit import reads back
    with page.expect_download() as download:
        page.locator("#portfolio-downloads").get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    names = [line.split(",")[1] for line in text.splitlines()[1:]]
    assert sorted(names) == ["Nordwerk Holding", "Nordwerk Logistik GmbH"]

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/imports/")
    page.locator("#runs a").first.click()
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
