"""Headless Chromium for the browser tests (Debian's, scripts/system-deps.sh).

Playwright drives the system's /usr/bin/chromium: no browser download.
"""

import os
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
# `make screenshots` (CPMS_UPDATE_SCREENSHOTS=1) refreshes the images docs/
# shows; a plain test run saves them under tests/artifacts/ so the tree stays
# clean.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("CPMS_UPDATE_SCREENSHOTS") == "1"
    else ROOT / "tests" / "artifacts" / "screenshots"
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium():
    """A running headless Chromium (Playwright's sync API)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
