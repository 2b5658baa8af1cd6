"""Playwright with Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil

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


def log_in(page, base: str, username: str, password: str | None = None) -> None:
    """Log in on the login page as ``username`` (the personas' password by default)."""
    from tests.personas import PASSWORD

    page.goto(base + "/auth/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
