"""Playwright with Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the tests' own database
# work (fixtures) happens outside the browser calls, so Django's guard can stand down
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The journeys take screenshots of the pages they pass into kamkit-data/screenshots/ (to
# look at a page as a user sees it) only when this is set: PNG-encoding a whole page costs
# about 0.2 s, 10 s of every run. A screenshot taken elsewhere (a test that checks what was
# drawn) is always taken.   KAMKIT_SCREENSHOTS=1 uv run pytest tests/browser
SCREENSHOTS = "KAMKIT_SCREENSHOTS"
SHOTS = Path(__file__).resolve().parents[2] / "kamkit-data" / "screenshots"


def _screenshots_off() -> None:
    from playwright.sync_api import Locator, Page

    for cls in (Page, Locator):
        cls.screenshot = _only_checked(cls.screenshot)


def _only_checked(screenshot):
    def taken_when_checked(self, *args, path=None, **kwargs) -> bytes:
        if path is not None and Path(path).resolve().is_relative_to(SHOTS):
            return b""
        return screenshot(self, *args, path=path, **kwargs)

    return taken_when_checked


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # a loaded CI machine (two test workers, the live server, the browser on two cores)
    # can take seconds for a page: assertions wait up to 20 s, not Playwright's 5; a
    # passing check returns as soon as it holds, so this costs only a failing test time
    expect.set_options(timeout=20_000)
    if not os.environ.get(SCREENSHOTS):
        _screenshots_off()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page; every journey also checks the Content-Security-Policy (issue 17): the test
    fails if the browser refused anything of kamkit's own under it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    refused: list[str] = []
    pg.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield pg
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


def log_in(page, base: str, username: str, to: str | None = None) -> None:
    """Enter as ``username``: the session Django's login makes, handed to the browser as
    its cookie, then the page ``to`` (a whole URL), or the landing page that a login
    leads to (``/``).

    The login form itself is a journey of its own (test_web_journey: a wrong password, the
    landing per role; two-factor; the password reset; the invitation). Driving it before
    every other journey cost about 0.45 s each (three page loads), against 0.1 s for this.
    """
    from django.conf import settings
    from django.test import Client

    from kamkit.web.users.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )
    page.goto(to or base + "/")
