"""Helpers of the imaging tests: the collaboration tests' users, cases and
REST sessions, and a signed-in Chromium tab for the viewers' pages."""

import pytest

from tests.browser.conftest import browser  # noqa: F401 - a fixture
from tests.browser.pages import DESKTOP
from tests.collaboration.conftest import PASSWORD
from tests.collaboration.conftest import rest  # noqa: F401 - a fixture


@pytest.fixture
def tab(browser, functional_portal):  # noqa: F811
    """A factory of Chromium tabs signed in as a user, closed after the test."""
    contexts = []

    def factory(user, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{functional_portal.absolute_url()}/login")
        page.fill("#__ac_name", user)
        page.fill("#__ac_password", PASSWORD)
        page.click("#buttons-login")
        page.wait_for_load_state("networkidle")
        return page

    yield factory
    for context in contexts:
        context.close()
