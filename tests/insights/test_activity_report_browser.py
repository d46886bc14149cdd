"""The activity report page in Chromium, as the demo coordinator: reached from
the dashboard, a period chosen with the two date fields, no critical or
serious WCAG violation, nothing scrolling sideways at 390 px; screenshots at
1280 and 390 px under tests/artifacts/browser/coordinator/."""

import pytest

from tests.browser.conftest import browser  # noqa: F401 (fixture)
from tests.browser.conftest import site  # noqa: F401 (fixture)
from tests.browser.conftest import tab  # noqa: F401 (fixture)
from tests.browser.pages import DESKTOP
from tests.browser.pages import axe_violations
from tests.browser.pages import screenshot
from tests.browser.pages import sideways_overflow

pytestmark = pytest.mark.slow


def test_the_coordinator_reads_the_activity_report(site, tab):  # noqa: F811
    page = tab("coordinator")
    page.goto(site.url + "/@@coordinator-dashboard", wait_until="networkidle")
    page.get_by_role("link", name="Activity report for the board").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/@@activity-report")
    assert page.get_by_role("heading", name="Activity report", level=1).is_visible()
    # The demo's panel, opened today, is among those open for 0 to 7 days.
    row = page.locator("table.cpms-report-panels tbody tr").first
    assert row.locator("td").first.inner_text() == "1"

    page.fill("#report-start", "2026-01-01")
    page.fill("#report-until", "2026-06-30")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert "start=2026-01-01" in page.url and "until=2026-06-30" in page.url
    assert page.locator(".cpms-report-period").inner_text() == (
        "1 January 2026 to 30 June 2026"
    )
    assert (
        page.get_by_role("link", name="Download as PDF")
        .get_attribute("href")
        .endswith("/@@activity-report.pdf?start=2026-01-01&end=2026-07-01")
    )

    page.goto(site.url + "/@@activity-report", wait_until="networkidle")
    problems = axe_violations(page)
    screenshot(page, "coordinator/activity-report")
    overflow = sideways_overflow(page)
    screenshot(page, "coordinator/activity-report")
    page.set_viewport_size(DESKTOP)
    assert not problems, "\n".join(problems)
    assert not overflow, f"scrolls sideways by {overflow}px at 390px"
