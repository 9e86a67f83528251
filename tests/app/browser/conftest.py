"""Fixtures for the real-browser tests: one headless Chromium per test module (Debian's, never downloaded) and
`open_page(url)`, a fresh context per page, closed (and checked for requests off the machine) after the test."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.app.browser.pages import DESKTOP, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (`make browser` installs Debian's chromium and fonts)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    pages = []

    def make(url, viewport=DESKTOP):
        pages.append(Page(browser, url, viewport))
        return pages[-1]

    yield make
    for page in pages:
        page.close()
