"""Coding in Chromium (issue 19): the analyst brings a REFI-QDA project of two coders
into a wave, reads their agreement, settles the paragraph they disagree on, codes a
paragraph herself, and adds the paragraphs to the wave as statements."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS
from tests.core.research.qdpx import project

pytestmark = pytest.mark.browser


def test_the_analyst_settles_codes_and_adds_statements(page, live_server, live_firm, tmp_path):
    qdpx = tmp_path / "study.qdpx"
    qdpx.write_bytes(project())
    log_in(page, live_server.url, "analyst", to=f"{live_server.url}/diagnosis/{live_firm.wave.pk}/")
    page.locator("#wave-coding").click()
    page.wait_for_load_state()
    expect(page.locator("#no-documents")).to_be_visible()
    page.locator("input[name=file]").set_input_files(str(qdpx))
    page.get_by_role("button", name="Bring in").click()
    page.wait_for_load_state()
    assert "4 paragraphs to code" in page.locator("[role=status]").first.inner_text()
    page.get_by_role("link", name="Agreement (1 to settle)").click()
    page.wait_for_load_state()
    assert "0.500" in page.locator("#agreement").inner_text()
    form = page.locator("#disagreements form").first
    form.get_by_label("Frame bridging").check()
    page.screenshot(path=str(SHOTS / "coding-agreement.png"), full_page=True)
    form.get_by_role("button", name="Settle").click()
    page.wait_for_load_state()
    assert "Paragraph 3 settled." in page.locator("[role=status]").first.inner_text()

    page.get_by_role("link", name="All documents").click()
    page.get_by_role("link", name="Code", exact=True).click()
    page.wait_for_load_state()
    page.locator("#segment-0").get_by_label("Structural formalization").check()
    page.screenshot(path=str(SHOTS / "coding-code.png"), full_page=True)
    page.get_by_role("button", name="Save this page").click()
    page.wait_for_load_state()
    assert "Saved your codes of 4 paragraphs." in page.locator("[role=status]").first.inner_text()
    page.get_by_role("link", name="All documents").click()
    page.get_by_role("button", name="Add to the wave").click()
    page.wait_for_load_state()
    assert "4 statements joined the wave." in page.locator("[role=status]").first.inner_text()
    assert "in the wave since" in page.locator("#documents").inner_text()

    # each × of the gap tables leads to what was said on that dimension
    page.goto(f"{live_server.url}/diagnosis/{live_firm.wave.pk}/")
    mark = page.locator("table.matrix td.mark a").first
    mark.click()
    page.wait_for_load_state()
    assert "/pairs/" in page.url and "#dim-" in page.url
    dimension = page.url.split("#", 1)[1]
    expect(page.locator(f"#{dimension}")).to_be_visible()
    page.screenshot(path=str(SHOTS / "pair-statements.png"), full_page=False)
