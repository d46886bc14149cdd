"""A case from enrolment to closing through the web UI (zope.testbrowser on
the demo site, plone.protect on: every form carries its authenticator):
a clinician enrols a case with consent and submits it from the case page, a
coordinator assembles the panel on the panel page and opens it, two experts
contribute, the lead writes and signs the report and closes the case.
Refusals reach the user on the case page, as a checklist of what is missing.
"""

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


def next_step(browser, label):
    """Press the case page's next-step button (or follow its link)."""
    try:
        browser.getControl(label, index=0).click()
    except LookupError:
        browser.getLink(label).click()


def panel_action(browser, action, userid):
    """Press a panel page button for one person (appoint lead, invite)."""
    index = 0
    while True:
        try:
            form = browser.getForm(index=index)
        except (IndexError, LookupError):
            raise LookupError(f"no {action} button for {userid}") from None
        index += 1
        try:
            found = (
                form.getControl(name="action").value == action
                and form.getControl(name="userid").value == userid
            )
        except LookupError:
            continue
        if found:
            form.submit()
            return


def test_case_journey_through_the_web(browser_for, demo_functional_portal):
    portal = demo_functional_portal
    transaction.commit()

    clinician = browser_for("clinician")
    clinician.open(f"{portal.absolute_url()}/@@my-cases")
    clinician.getLink("New case").click()
    clinician.getControl(name="field.nickname").value = "Rowan Wren"
    clinician.getControl(name="field.sex").value = ["female"]
    clinician.getControl(name="field.year_of_birth").value = "2019"
    clinician.getControl(name="field.expertise_area").value = [
        "posterior-urethral-valves"
    ]
    clinician.getControl(
        name="field.clinical_summary"
    ).value = "Valve ablation at birth; poor bladder emptying (web)."
    clinician.getControl(
        name="field.clinical_question"
    ).value = "Is clean intermittent catheterisation advised?"
    clinician.getControl("Save as draft").click()
    case_url = clinician.url.split("?")[0]
    assert "/cases/ern-" in case_url

    # Submitting without a care consent: refused, and the user is told why.
    next_step(clinician, "Submit")
    assert "cannot be submitted yet" in clinician.contents
    assert "care consent" in clinician.contents

    clinician.getLink("Record the care consent").click()
    clinician.getControl(name="consent.form").value = ["other"]
    clinician.getControl(name="consent.language").value = ["en"]
    clinician.getControl(name="consent.version").value = "1.0"
    clinician.getControl(name="consent.date").value = "2026-01-12"
    clinician.getControl("Save", index=0).click()
    next_step(clinician, "Submit")
    assert "The case is submitted" in clinician.contents

    # The coordinator assembles the panel on the panel page, then opens it.
    coordinator = browser_for("coordinator")
    coordinator.open(case_url)
    coordinator.getLink("Manage the panel").click()
    panel_url = coordinator.url
    for action, userid in (
        ("appoint_lead", "lead"),
        ("invite", "expert1"),
        ("invite", "expert2"),
    ):
        coordinator.open(panel_url)
        coordinator.getControl(name="q").value = "demo"
        coordinator.getControl(name="search").click()
        panel_action(coordinator, action, userid)
    coordinator.open(case_url)
    assert "Lena Lead (demo)" in coordinator.contents
    next_step(coordinator, "Open panel")
    assert "The panel is open." in coordinator.contents

    for userid, text in (
        ("expert1", "Catheterise; review in 3 months."),
        ("expert2", "Agreed."),
    ):
        expert = browser_for(userid)
        expert.open(case_url)
        expert.getControl(name="text").value = text
        expert.getControl("Add your contribution").click()
        assert "Your contribution is added." in expert.contents

    lead = browser_for("lead")
    lead.open(case_url)
    # Closing before the report is signed: refused with a checklist.
    lead.getForm(id="action-close").submit()
    assert "cannot be closed yet" in lead.contents
    assert "Write the outcome report" in lead.contents
    next_step(lead, "Write the outcome report")
    lead.getControl(
        name="form.widgets.findings"
    ).value = "Incomplete emptying after valve ablation."
    lead.getControl(
        name="form.widgets.recommendations"
    ).value = "Clean intermittent catheterisation."
    lead.getControl(name="form.buttons.save").click()
    lead.open(case_url)
    next_step(lead, "Sign")
    assert "The report is signed." in lead.contents
    next_step(lead, "Close")
    assert "The case is closed." in lead.contents

    transaction.begin()
    site = portal.absolute_url()
    case = portal.unrestrictedTraverse(case_url[len(site) + 1 :])
    assert api.content.get_state(case) == states.CLOSED
    report = next(o for o in case.objectValues() if o.portal_type == "OutcomeReport")
    assert report.signed_by == "lead"
