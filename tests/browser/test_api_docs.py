"""The API's documentation page (Swagger UI, bundled with django-ninja) works under the
Content-Security-Policy (issue 17): the page fixture fails on any refusal."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def test_the_api_docs_render_under_the_policy(page, live_server, live_firm):
    log_in(page, live_server.url, "director", to=live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert "kamkit API" in page.locator(".swagger-ui .info").inner_text()
    assert page.locator(".opblock").count() > 20  # every operation is listed
