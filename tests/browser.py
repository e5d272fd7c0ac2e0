"""A headless Chromium for browser tests (pytest plugin, registered in conftest.py).

Uses the system's Chromium (``apt-get install chromium``) through Playwright's Python package;
Playwright's own browser downloads are never used. Without Chromium or Playwright the tests are
skipped on a laptop and fail in CI (``CI=true``).
"""

import os
import shutil

import pytest

from tests.conftest import need

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture
def browser(monkeypatch):
    """Chromium for one test. Not shared across tests: Playwright's sync API runs an event loop in
    this thread while it is open, and Django refuses database calls beside a running loop. For the
    test's own database calls that check is lifted until the browser closes."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        need("Playwright", f"pip install playwright axe-playwright-python ({error})")
    executable = chromium_path()
    if executable is None:
        need("Chromium", "apt-get install chromium (or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        with monkeypatch.context() as patch:
            patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
            yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab."""
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def axe_violations():
    """``axe_violations(page)`` runs axe-core on the page for WCAG 2.2 AA and returns the violations."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError as error:
        need("axe-playwright-python", f"pip install axe-playwright-python ({error})")
    axe = Axe()

    def run(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        return results.response["violations"]

    return run
