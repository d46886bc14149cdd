"""The case page in each state of a case, in headless Chromium: a screenshot
at 1280 px (``make screenshots`` writes them to docs/screenshots/case-<state>.png,
a plain run to tests/artifacts/screenshots/) and no sideways scrolling at
390 px. Each state is reached through the real workflow (tests/security's
``build_case``) and seen by someone with something to do in it."""

from base64 import b64encode

import pytest
import transaction

from cpms.cases import states
from tests.helpers.browser import SCREENSHOTS
from tests.helpers.browser import chromium
from tests.security.helpers import PASSWORD
from tests.security.helpers import build_case
from tests.security.helpers import userid

pytestmark = pytest.mark.slow

# state -> (who looks, what the page must show)
VIEWERS = {
    states.DRAFT: ("owner", "Provide the information"),
    states.SUBMITTED: ("coordinator", "Open panel"),
    states.IN_DISCUSSION: ("lead", "Sign"),
    states.CLOSED: ("lead", "Download the report (PDF)"),
    states.ARCHIVED: ("coordinator", "Archived"),
    states.WITHDRAWN: ("coordinator", "Withdrawn"),
}


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.mark.parametrize("state", list(VIEWERS))
def test_case_page_in_each_state(browser, functional, state):
    case = build_case(functional["portal"], state)
    transaction.commit()
    row, expected = VIEWERS[state]
    credentials = b64encode(f"{userid(row)}:{PASSWORD}".encode()).decode()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        # Plone answers a missing login with its login form, not a 401
        # challenge: send the credentials with every request.
        extra_http_headers={"Authorization": f"Basic {credentials}"},
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        response = page.goto(case.absolute_url(), wait_until="networkidle")
        assert response.status == 200
        text = page.inner_text("main, #content")
        assert expected in text
        assert case.Title() in text
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"case-{state.replace('_', '-')}.png"),
            full_page=True,
            caret="hide",
            animations="disabled",
        )
        assert not errors, errors
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(100)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, f"the {state} case scrolls sideways by {overflow}px"
    finally:
        context.close()
