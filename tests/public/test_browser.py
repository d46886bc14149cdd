"""Every public page in headless Chromium: no console errors, a screenshot.

Runs Debian's chromium (scripts/system-deps.sh installs it) through Playwright
against the demo functional server, as an anonymous visitor.  Screenshots
(1280 px wide) go to tests/artifacts/screenshots/, or with `make screenshots`
to docs/screenshots/, which docs/public-portal.md shows.  Each page is also
loaded at phone width and must not scroll sideways.
"""

import pytest

from tests.helpers.browser import SCREENSHOTS
from tests.helpers.browser import chromium

# Eleven pages with a real browser take more than 30 s together.
pytestmark = pytest.mark.slow

# screenshot name -> (path, text the page must show)
PAGES = {
    "front-page": ("/", "Refer a case"),
    "network": ("/network", "Member healthcare providers"),
    "guides": ("/guides", "Set up a patient panel (demo)"),
    "guide": ("/guides/set-up-a-patient-panel", "Steps"),
    "common-problems": ("/common-problems", "Search the common problems"),
    "common-problems-search": ("/common-problems?q=video", "answer(s) found"),
    "newsletter": ("/newsletter", "Issue 1: the portal opens (demo)"),
    "newsletter-issue": ("/newsletter/issue-3", "Referrals"),
    "consent-forms": (
        "/consent-forms?language=fr&kind=",
        "Care consent, French (demo)",
    ),
    "refer-a-case": ("/refer-a-case", "Refer a case"),
    "helpdesk": ("/helpdesk", "Helpdesk"),
}


# Visible form controls that no label, aria-label or aria-labelledby names.
UNLABELLED = """
[...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
  .filter(el => el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)
"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_in_chromium(browser, demo_functional_portal, name):
    path, expected = PAGES[name]
    url = demo_functional_portal.absolute_url() + path
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200
        assert expected in page.inner_text("main, #content")
        assert page.locator("h1").count() == 1
        assert not page.evaluate(UNLABELLED), "controls without a label"
        assert page.locator("img:not([alt])").count() == 0, "images without alt"
        for landmark in ("header", "nav", "main, #content", "footer"):
            assert page.locator(landmark).count() >= 1, landmark
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"{name}.png"), caret="hide", animations="disabled"
        )
        assert not errors, errors
        # Responsive: at phone width nothing sticks out sideways.
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(100)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px on a phone"
    finally:
        context.close()
