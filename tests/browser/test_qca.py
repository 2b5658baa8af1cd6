"""fsQCA in Chromium (issue 21, item 4): the analyst finds the page from Research data,
analyses the published case's pairs (no gap by a practice and two dimensions), reads the solution
table and the XY plot, downloads the solution as LaTeX; the director analyses the
key accounts with anchors of its own; a phone reads the result without sideways
scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_web_journey import SHOTS, login

pytestmark = pytest.mark.browser
CONDITIONS = ("TRANSFORMATION", "TIME_ORIENTATION", "GOAL_ORIENTATION")


def test_the_analyst_finds_which_practices_go_with_no_gap(page, live_server, live_firm, tmp_path):
    login(page, live_server.url, "analyst")
    page.get_by_role("link", name="Research data").click()
    page.get_by_role("link", name="Analyse configurations").click()
    expect(page.locator("h1")).to_have_text("Configurations (fsQCA)")
    page.get_by_role("button", name="Load the cases").click()
    expect(page.locator("#analysis")).to_be_visible()
    page.select_option("select[name=outcome]", "NOGAP")
    for condition in CONDITIONS:
        page.check(f"input[name=conditions][value={condition}]")
    page.get_by_role("button", name="Analyse").click()
    expect(page.locator("#result h2")).to_have_text("Sufficient for NOGAP")
    expect(page.locator("table.truth tbody tr").first).to_be_visible()
    caption = page.locator("table.solution caption").first
    # on the published case: transformation with units that differ in their goals but
    # not in their time orientation goes with no gap
    expect(caption).to_contain_text("TRANSFORMATION*~TIME_ORIENTATION*GOAL_ORIENTATION → NOGAP")
    expect(page.locator("#xy svg circle").first).to_be_attached()
    page.screenshot(path=str(SHOTS / "qca.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="LaTeX").click()
    target = tmp_path / "solution.tex"
    download.value.save_as(target)
    assert r"\begin{tabular}" in target.read_text()
    # the intermediate solution without expectations is named at the field, nothing is
    # analysed (an out-of-range cut-off the browser itself refuses: min and max are set)
    assert page.locator("input[name=incl_cut]").get_attribute("max") == "1.0"
    page.select_option("select[name=solution]", "intermediate")
    page.get_by_role("button", name="Analyse").click()
    expect(page.locator(".field-error").first).to_contain_text("needs expectations")
    expect(page.locator("#result")).to_have_count(0)


def test_the_director_calibrates_the_accounts_own_way_on_a_phone(page, live_server, live_firm):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "director")
    page.goto(f"{live_server.url}/research/qca/")
    page.select_option("select[name=source]", "accounts")
    page.get_by_role("button", name="Load the cases").click()
    expect(page.locator("#anchors")).to_be_visible()
    expect(page.locator("input[name=c_INDEX]")).to_have_value("50.0")
    page.fill("input[name=c_INDEX]", "40")
    page.select_option("select[name=outcome]", "INDEX")
    for condition in ("CC", "CV", "JP"):
        page.check(f"input[name=conditions][value={condition}]")
    page.select_option("select[name=solution]", "parsimonious")
    page.get_by_role("button", name="Analyse").click()
    expect(page.locator("#settings")).to_contain_text("INDEX: fuzzy, anchors 25, 40, 75")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.screenshot(path=str(SHOTS / "qca-phone.png"), full_page=True)
