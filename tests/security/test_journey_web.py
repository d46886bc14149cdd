"""A case from enrolment to closing through the web UI (zope.testbrowser on
the demo site, plone.protect on: forms and workflow links carry their
authenticator):
a clinician enrols a case with consent and submits it, a coordinator shares
it with the panel and opens it, two experts contribute, the lead signs the
report and closes the case. Refusals reach the user as status messages.
"""

import re
from urllib.parse import urlencode

import pytest
import transaction
from plone import api
from plone.testing.zope import Browser

from cpms.cases import states
from cpms.demo import DEMO_PASSWORD


@pytest.fixture
def browser_for(demo_functional):
    app = demo_functional["app"]

    def factory(userid):
        browser = Browser(app)
        browser.handleErrors = False
        browser.addHeader("Authorization", f"Basic {userid}:{DEMO_PASSWORD}")
        return browser

    return factory


def click_transition(browser, transition):
    browser.getLink(url=f"workflow_action={transition}").click()


def add(browser, container_url, portal_type, **fields):
    browser.open(f"{container_url}/++add++{portal_type}")
    for name, value in fields.items():
        control = browser.getControl(
            name=f"form.widgets.{name}" + (":list" if isinstance(value, list) else "")
        )
        control.value = value
    browser.getControl(name="form.buttons.save").click()
    assert "Item created" in browser.contents, browser.contents[:3000]
    return browser.url.rsplit("/view", 1)[0]


def authenticator(browser):
    return re.search(r'name="_authenticator" value="([^"]+)"', browser.contents)[1]


def test_case_journey_through_the_web(browser_for, demo_functional_portal):
    portal = demo_functional_portal
    transaction.commit()
    cases_url = f"{portal.absolute_url()}/cases"

    clinician = browser_for("clinician")
    case_url = add(
        clinician,
        cases_url,
        "Case",
        nickname="Rowan Wren",
        sex=["female"],
        year_of_birth="2019",
        referring_hcp=["danube-university-hospital"],
        expertise_area=["posterior-urethral-valves"],
        referring_clinician="clinician",
        clinical_summary="Valve ablation at birth; poor bladder emptying (web).",
        clinical_question="Is clean intermittent catheterisation advised?",
    )
    assert "/cases/ern-" in case_url

    # Submitting without a care consent: refused, and the user is told why.
    clinician.open(case_url)
    click_transition(clinician, "submit")
    assert "cannot be submitted yet" in clinician.contents
    assert "care consent" in clinician.contents

    add(
        clinician,
        case_url,
        "ConsentRecord",
        kind=["care"],
        consent_language=["en"],
        consent_version="1.0",
        consent_date="2026-01-12",
    )
    clinician.open(case_url)
    click_transition(clinician, "submit")
    assert "Item state changed" in clinician.contents

    # The coordinator assembles the panel on the Sharing tab, then opens it.
    coordinator = browser_for("coordinator")
    coordinator.open(f"{case_url}/@@sharing")
    assert "Panel lead" in coordinator.contents
    assert "Can edit" not in coordinator.contents  # Plone's roles mean nothing here
    entries = []
    for userid, role in (
        ("lead", "Panel Lead"),
        ("expert1", "Panel Member"),
        ("expert2", "Panel Member"),
    ):
        entries += [
            ("entries.id:records", userid),
            ("entries.type:records", "user"),
            (f"entries.role_{role}:records", "True"),
        ]
    coordinator.post(
        f"{case_url}/@@sharing",
        urlencode(
            [
                *entries,
                ("inherit", "1"),
                ("form.submitted:boolean", "True"),
                ("form.button.Save", "Save"),
                ("_authenticator", authenticator(coordinator)),
            ]
        ),
    )
    assert "Changes saved" in coordinator.contents
    coordinator.open(case_url)
    click_transition(coordinator, "open_panel")
    assert "Item state changed" in coordinator.contents

    for userid, text in (
        ("expert1", "Catheterise; review in 3 months."),
        ("expert2", "Agreed."),
    ):
        add(browser_for(userid), case_url, "Contribution", text=text)

    lead = browser_for("lead")
    report_url = add(
        lead,
        case_url,
        "OutcomeReport",
        findings="Incomplete emptying after valve ablation.",
        recommendations="Clean intermittent catheterisation.",
    )
    lead.open(case_url)
    click_transition(lead, "close")
    assert "cannot be closed yet" in lead.contents
    assert "signed by the panel lead" in lead.contents

    lead.open(report_url)
    click_transition(lead, "sign")
    assert "Item state changed" in lead.contents
    lead.open(case_url)
    click_transition(lead, "close")
    assert "Item state changed" in lead.contents

    transaction.begin()
    site = portal.absolute_url()
    case = portal.unrestrictedTraverse(case_url[len(site) + 1 :])
    assert api.content.get_state(case) == states.CLOSED
    report = portal.unrestrictedTraverse(report_url[len(site) + 1 :])
    assert report.signed_by == "lead"
