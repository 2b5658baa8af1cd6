"""A researcher's download in Chromium (issue 19): the director finds Research data in
the menu, chooses the panel as Stata with pseudonyms, and gets a ZIP of the data and its
codebook; a bad month is named on the page; a phone reads the page without sideways
scrolling."""

from __future__ import annotations

import zipfile

import pyreadstat
import pytest

from tests.browser.test_web_journey import SHOTS, login

pytestmark = pytest.mark.browser


def test_the_director_downloads_the_panel_for_stata(page, live_server, live_firm, tmp_path):
    login(page, live_server.url, "director")
    page.get_by_role("link", name="Research data").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Research data"
    page.select_option("select[name=dataset]", "panel")
    page.select_option("select[name=format]", "dta")
    page.check("input[name=pseudonymise]")
    page.screenshot(path=str(SHOTS / "research.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download ZIP").click()
    archive = tmp_path / "panel.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        data = next(n for n in names if n.endswith(".dta"))
        assert any(n.endswith("-codebook.csv") for n in names)
        z.extract(data, tmp_path)
    frame, _meta = pyreadstat.read_dta(str(tmp_path / data))
    assert "account_name" not in frame.columns  # pseudonymised: names left out
    assert frame["account"].str.startswith("A").all()
    assert "index_no_roles" in frame.columns

    page.goto(f"{live_server.url}/research/")
    page.fill("input[name=start]", "2026-09")
    page.fill("input[name=end]", "2026-03")
    page.get_by_role("button", name="Download ZIP").click()
    page.wait_for_load_state()
    assert "The last month comes before the first." in page.locator("#download").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/research/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
