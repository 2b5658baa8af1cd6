"""The portfolio matrix in Chromium (issue 20): from the portfolio the director opens
the matrix, reads the quadrants and opens an account from its dot."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kamkit.web.assessment.models import AssessmentSnapshot
from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_the_director_opens_an_account_from_the_matrix(page, live_server, live_firm):
    today = timezone.localdate()
    AssessmentSnapshot.objects.create(account=live_firm.own, on=today, phase="maturity", index=72)
    log_in(page, live_server.url, "director", to=f"{live_server.url}/accounts/")
    page.locator("#matrix-link a").click()
    page.wait_for_load_state()
    assert "Key strategic" in page.locator("#quadrants").inner_text()
    page.screenshot(path=str(SHOTS / "portfolio-matrix.png"), full_page=True)
    page.locator("#matrix svg a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/accounts/{live_firm.own.pk}/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/matrix/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the matrix scrolls sideways on a phone ({width} px)"
