"""The review pack in Chromium (issue 20): from the account the KA manager opens the
quarter's review, switches to the customer-safe version and downloads it as a PDF."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_the_manager_downloads_the_customer_safe_review(page, live_server, live_firm):
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.locator("#review-link a").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().endswith("quarterly review")
    assert "Phase and why" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "review-pack.png"), full_page=True)
    page.locator("#customer-version").click()
    page.wait_for_load_state()
    assert "Phase and why" not in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.locator("#review-pdf").click()
    assert download.value.suggested_filename.endswith("-quarter-customer.pdf")
    with open(download.value.path(), "rb") as f:
        assert f.read(4) == b"%PDF"
