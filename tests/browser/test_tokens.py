"""My API tokens (issue 17): a KA manager makes a read-only token, sees it once, uses
it, revokes it; the page on a phone keeps the revoke button."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]
SHOTS = Path(__file__).resolve().parents[2] / "kamkit-data" / "screenshots"


def api_status(base: str, secret: str) -> int:
    """The API's answer to the token alone (no browser cookies)."""
    request = urllib.request.Request(
        base + "/api/v1/accounts", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_manager_makes_uses_and_revokes_a_token(page, live_server, live_firm):
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server.url, "manager")
    page.click("text=API tokens")
    assert page.locator("h1").inner_text() == "My API tokens"
    assert "No tokens yet" in page.locator("#token-list").inner_text()
    page.click("#new-token button[type=submit]")  # no name
    assert page.locator("[role=alert]").first.inner_text().startswith("Name: is empty")
    page.fill("input[name=name]", "weekly report")
    page.select_option("select[name=expires_in_days]", "30")
    page.check("input[name=read_only]")
    page.click("#new-token button[type=submit]")
    secret = page.locator("#new-secret input").input_value()
    assert secret.startswith("kk_")
    row = page.locator("#token-list tbody tr").first
    assert "read only" in row.inner_text() and "active" in row.inner_text()
    assert api_status(live_server.url, secret) == 200
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/auth/tokens/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.screenshot(path=str(SHOTS / "tokens-phone.png"), full_page=True)
    page.click("#token-list button:has-text('Revoke')")
    assert "Revoked the token" in page.locator(".messages").inner_text()
    assert "revoked" in page.locator("#token-list tbody tr").first.inner_text()
    assert api_status(live_server.url, secret) == 401
