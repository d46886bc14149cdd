"""Every page each demo user meets, in headless Chromium: it opens, axe-core
finds no critical or serious WCAG 2.1 A/AA violation, and at 390 px (a small
phone) nothing scrolls sideways.

One test per user walks all of that user's pages and reports every problem
at once. Screenshots of each page at 1280 and 390 px land in
tests/artifacts/browser/<user>/ (ignored by git), to look at.
"""

import re

import pytest

from tests.browser.pages import DESKTOP
from tests.browser.pages import axe_violations
from tests.browser.pages import screenshot
from tests.browser.pages import sideways_overflow

pytestmark = pytest.mark.slow

PUBLIC = [
    "front page",
    "network",
    "guides",
    "guide",
    "common problems",
    "common problem",
    "newsletter",
    "newsletter issue",
    "consent forms",
    "consent form",
    "refer a case",
    "helpdesk",
]

# user -> the pages that user meets (names of conftest.Site.paths)
WALKS = {
    None: [*PUBLIC, "login"],
    "clinician": [
        "front page",
        "my cases",
        "new case",
        "case draft",
        "edit case",
        "add consent",
        "case submitted",
        "case in discussion",
        "case closed",
        "case withdrawn",
        "contribution",
        "meeting",
        "medical file",
        "slide",
        "dicom series",
        "add file",
        "add images",
        "report",
        "notification settings",
        "request access",
        "guides",
        "who has seen",
        "contact requests",
    ],
    "coordinator": [
        "front page",
        "my cases",
        "coordinator dashboard",
        "case submitted",
        "panel to assemble",
        "case in discussion",
        "panel",
        "access requests",
        "access request",
        "guest access",
        "referrals",
        "referral",
        "notification settings",
        "audit log",
        "activity report",
        "statistics",
    ],
    "lead": [
        "my cases",
        "case in discussion",
        "write report",
        "plan meeting",
        "panel",
        "contribution",
        "meeting",
        "medical file",
        "slide",
        "dicom series",
        "case closed",
        "report",
    ],
    "expert1": [
        "my cases",
        "case in discussion",
        "add contribution",
        "contribution",
        "meeting",
        "medical file",
        "slide",
        "dicom series",
        "contact requests",
    ],
    "guest": [
        "my cases",
        "case in discussion",
        "contribution",
        "meeting",
        "medical file",
        "slide",
        "dicom series",
        "notification settings",
    ],
    "editor": ["front page", "guides", "guide", "new guide", "newsletter"],
    "helpdesk": ["front page", "referrals", "referral", "helpdesk"],
    "researcher": ["front page", "statistics"],
}


# Where Plone sends a user who may not see a page.
REFUSED = re.compile(r"insufficient-privileges|require_login|/login(?:$|\?)")


def _slug(name: str) -> str:
    return name.replace(" ", "-")


@pytest.mark.parametrize(
    "user", list(WALKS), ids=[user or "anonymous" for user in WALKS]
)
def test_every_page_is_accessible_and_fits_a_phone(user, site, tab):
    page = tab(user)
    problems = []
    for name in WALKS[user]:
        page.set_viewport_size(DESKTOP)
        response = page.goto(site[name], wait_until="networkidle")
        if response is None or response.status != 200:
            status = response.status if response else "no answer"
            problems.append(f"{name}: {site.paths[name]} answered {status}")
            continue
        # Plone answers a refused page with a redirect to a page of its own.
        refused = REFUSED.search(page.url)
        if refused and name != "login":
            problems.append(f"{name}: {site.paths[name]} led to {refused[0]}")
            continue
        for violation in axe_violations(page):
            problems.append(f"{name}: {violation}")
        shot = f"{user or 'anonymous'}/{_slug(name)}"
        screenshot(page, shot)
        overflow = sideways_overflow(page)
        if overflow:
            problems.append(f"{name}: scrolls sideways by {overflow}px at 390px")
        screenshot(page, shot)
    assert not problems, "\n".join(problems)
