"""The data protection officer's page in Chromium: export, then erase with
its confirmation; axe-core finds no serious violation, nothing scrolls
sideways at 390 px; screenshots at 1280 and 390 px under
tests/artifacts/browser/dpo/."""

import pytest
import transaction
from plone import api

from cpms.demo import DEMO_PASSWORD
from tests.browser.pages import DESKTOP
from tests.browser.pages import axe_violations
from tests.browser.pages import log_in
from tests.browser.pages import screenshot
from tests.browser.pages import sideways_overflow
from tests.helpers.browser import chromium
from tests.privacy.conftest import ensure_demo

pytestmark = pytest.mark.slow


@pytest.fixture
def site(demo_functional_portal):
    portal = ensure_demo(demo_functional_portal)
    if api.user.get(userid="dpo") is None:
        api.portal.get_tool("acl_users").userFolderAddUser(
            "dpo", DEMO_PASSWORD, ["Member", "DataProtectionOfficer"], []
        )
    transaction.commit()
    return portal


def _check(page, name, problems):
    page.set_viewport_size(DESKTOP)
    problems += [f"{name}: {v}" for v in axe_violations(page)]
    screenshot(page, f"dpo/{name}")
    overflow = sideways_overflow(page)
    if overflow:
        problems.append(f"{name}: scrolls sideways by {overflow}px at 390px")
    screenshot(page, f"dpo/{name}")
    page.set_viewport_size(DESKTOP)


def test_dpo_page_in_chromium(site):
    base = site.absolute_url()
    otter = site["cases"]["demo-silver-otter"].case_id
    lynx = site["cases"]["demo-quiet-lynx"].case_id
    problems = []
    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
        page = context.new_page()
        log_in(page, base, "dpo")
        page.goto(f"{base}/@@data-requests", wait_until="networkidle")
        _check(page, "data-requests", problems)

        page.fill("#input-case-id", otter)
        with page.expect_download() as download:
            page.click("button[name=export]")
        assert download.value.suggested_filename == f"{otter}-data.zip"

        page.goto(f"{base}/@@data-requests", wait_until="networkidle")
        page.fill("#input-case-id", lynx)
        page.click("button[name=erase]")
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("This cannot be undone").is_visible()
        _check(page, "erase-confirmation", problems)

        page.fill("#input-reason", "Patient's request of 30 November 2026")
        page.fill("#input-confirm", lynx)
        page.click("button[name=erase_confirmed]")
        page.wait_for_load_state("networkidle")
        assert page.get_by_text(f"Case {lynx} is erased").is_visible()
        _check(page, "erased", problems)
        context.close()
    assert not problems, "\n".join(problems)
    transaction.begin()
    assert site["cases"]["demo-quiet-lynx"].nickname == "Erased case"
