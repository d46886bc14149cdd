"""Fixtures of the browser tests: Chromium, the demo site with one item of
every kind a user meets, and logged-in tabs.

The demo functional layer serves the site on a real port; each test gets its
own copy of the demo database (what one test changes, the next does not see).
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import transaction
from fpdf import FPDF
from plone import api
from plone.namedfile.file import NamedBlobFile

from tests.browser.pages import DESKTOP
from tests.browser.pages import log_in
from tests.helpers.browser import chromium


@dataclass
class Site:
    """The live demo site and the addresses of the pages the walk visits."""

    url: str
    paths: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.url + self.paths[name]


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def _pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def _new_case(portal, nickname: str):
    """A case enrolled by the demo clinician, like the demo's draft."""
    from cpms.cases.case_id import create_case

    model = portal["cases"]["demo-blue-heron"]
    fields = {
        name: getattr(model, name, None)
        for name in (
            "sex",
            "year_of_birth",
            "referring_hcp",
            "referring_clinician",
            "expertise_area",
            "clinical_summary",
            "clinical_question",
            "icd10_codes",
        )
    }
    with api.env.adopt_user(username="clinician"):
        case = create_case(portal["cases"], nickname=nickname, **fields)
        api.content.create(
            container=case,
            type="ConsentRecord",
            id="care-consent",
            kind="care",
            consent_language="en",
            consent_version="1.0",
            consent_date=date(2026, 1, 12),
            recorded_by="clinician",
        )
    return case


def _path(portal, obj) -> str:
    return "/" + "/".join(obj.getPhysicalPath()[len(portal.getPhysicalPath()) :])


@pytest.fixture
def site(demo_functional_portal) -> Site:
    """The demo site plus what the demo lacks: a submitted and a withdrawn
    case, a meeting and a medical file on the case in discussion."""
    portal = demo_functional_portal
    cases = portal["cases"]
    discussed = cases["demo-silver-otter"]
    with api.env.adopt_roles(["Manager"]):
        submitted = _new_case(portal, "Amber Finch (walk)")
        api.content.transition(obj=submitted, transition="submit")
        withdrawn = _new_case(portal, "Grey Wolf (walk)")
        api.content.transition(obj=withdrawn, transition="withdraw")
    with api.env.adopt_user(username="lead"):
        start = datetime.now().replace(minute=0, second=0, microsecond=0)
        meeting = api.content.create(
            container=discussed,
            type="Meeting",
            id="walk-meeting",
            title="Panel meeting (walk)",
            start=start + timedelta(days=3),
            end=start + timedelta(days=3, hours=1),
            timezone="Europe/Brussels",
            attendees=["lead", "expert1"],
            agenda="Urodynamics results (walk).",
        )
    with api.env.adopt_user(username="clinician"):
        medical_file = api.content.create(
            container=discussed,
            type="MedicalFile",
            id="walk-urodynamics",
            title="Urodynamics report (walk)",
            file=NamedBlobFile(_pdf("Urodynamics (walk)"), filename="uro.pdf"),
        )
    transaction.commit()

    paths = {
        "front page": "/",
        "network": "/network",
        "guides": "/guides",
        "guide": "/guides/set-up-a-patient-panel",
        "common problems": "/common-problems",
        "common problem": "/common-problems/eu-login-code-not-arriving",
        "newsletter": "/newsletter",
        "newsletter issue": "/newsletter/issue-3",
        "consent forms": "/consent-forms",
        "consent form": "/consent-forms/care-en",
        "refer a case": "/refer-a-case",
        "helpdesk": "/helpdesk",
        "login": "/login",
        "request access": "/@@request-access",
        "notification settings": "/@@notification-settings",
        "my cases": "/@@my-cases",
        "new case": "/cases/++add++Case",
        "case draft": "/cases/demo-blue-heron",
        "case submitted": _path(portal, submitted),
        "case in discussion": "/cases/demo-silver-otter",
        "case closed": "/cases/demo-quiet-lynx",
        "case withdrawn": _path(portal, withdrawn),
        "add consent": "/cases/demo-blue-heron/++add++ConsentRecord",
        "edit case": "/cases/demo-blue-heron/@@edit-case",
        "add file": "/cases/demo-silver-otter/++add++MedicalFile",
        "plan meeting": "/cases/demo-silver-otter/++add++Meeting",
        "write report": "/cases/demo-silver-otter/++add++OutcomeReport",
        "panel": "/cases/demo-silver-otter/@@panel",
        "panel to assemble": _path(portal, submitted) + "/@@panel",
        "contribution": "/cases/demo-silver-otter/contribution-lead",
        "add contribution": "/cases/demo-silver-otter/++add++Contribution",
        "meeting": _path(portal, meeting),
        "medical file": _path(portal, medical_file),
        "slide": "/cases/demo-silver-otter/demo-liver-biopsy/@@slide",
        "dicom series": _path(
            portal,
            next(
                obj
                for obj in discussed.objectValues()
                if obj.portal_type == "ImagingSeries"
            ),
        ),
        "add images": "/cases/demo-silver-otter/@@upload-images",
        "report": "/cases/demo-quiet-lynx/outcome-report",
        "coordinator dashboard": "/@@coordinator-dashboard",
        "access requests": "/@@access-requests-queue",
        "access request": "/access-requests/newcomer-healthcare-professional",
        "guest access": "/@@guest-access",
        "referrals": "/referrals",
        "referral": "/referrals/demo-referral-1",
        "new guide": "/guides/++add++Guide",
        "audit log": "/@@audit-log",
        "activity report": "/@@activity-report",
        "statistics": "/@@statistics",
        "who has seen": "/cases/demo-silver-otter/@@who-has-seen",
        "contact requests": "/@@contact-requests",
    }
    return Site(url=portal.absolute_url(), paths=paths)


@pytest.fixture
def tab(browser, site):
    """Factory: ``tab(user=None, viewport=DESKTOP)`` -> a new page, logged in
    as the demo user (anonymous when None), in its own browser context."""
    contexts = []

    def factory(user: str | None = None, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        if user:
            log_in(page, site.url, user)
        return page

    yield factory
    for context in contexts:
        context.close()
