"""The HTML report in a real browser: readable, complete, and fetching nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from kamkit.core.diagnosis import diagnose, load_case
from kamkit.core.diagnosis.render import render

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


def test_published_report_reads_like_the_paper(page, tmp_path):
    result = diagnose(load_case(ROOT / "examples" / "published-case.yaml"))
    report = tmp_path / "report.html"
    report.write_text(render(result, "html"), encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())

    assert page.title() == "Integration-gap diagnosis: Published case"
    cards = page.locator("#summary .card")
    expect(cards).to_have_count(2)
    assert cards.nth(0).inner_text().split("\n")[:2] == ["KAM unit 1", "4"]
    gap_cells = page.locator("table.matrix[data-kam=kam2] td.gap-yes")
    expect(gap_cells).to_have_count(3)
    picture = page.locator("#network svg")
    expect(picture).to_be_visible()
    box = picture.bounding_box()
    assert box["width"] > 500 and box["height"] > 300
    # the red gap lines are drawn (not just present in the markup)
    assert (
        page.locator("svg line.gap").first.evaluate("e => getComputedStyle(e).stroke")
        == "rgb(192, 57, 43)"
    )
    page.locator("#sources details").first.locator("summary").click()
    expect(page.locator("#sources details").first.locator("table")).to_be_visible()
    assert [u for u in requests if not u.startswith("file://")] == []
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 20_000


def test_report_on_a_phone_keeps_tables_scrollable(browser, tmp_path):
    result = diagnose(load_case(ROOT / "examples" / "published-case.yaml"))
    report = tmp_path / "report.html"
    report.write_text(render(result, "html"), encoding="utf-8")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(report.as_uri())
    body_width = page.evaluate("document.documentElement.scrollWidth")
    assert body_width <= 400  # wide tables scroll inside their box, the page does not
    context.close()
