"""The case page as the workspace, as its users meet it (zope.testbrowser,
plone.protect on): the one next step per role and state, the checklist when a
step is refused, coded facts as chips, the discussion inline, and the
confirmation that irreversible actions ask for."""

import pytest
import transaction
from plone import api
from plone.testing.zope import Browser

from cpms.cases.case_id import create_case
from tests.security.helpers import PASSWORD
from tests.security.helpers import build_case
from tests.security.helpers import case_values
from tests.security.helpers import create_users
from tests.security.helpers import share
from tests.security.helpers import userid


@pytest.fixture
def browser_for(functional):
    app = functional["app"]

    def factory(row):
        browser = Browser(app)
        browser.handleErrors = False
        browser.addHeader("Authorization", f"Basic {userid(row)}:{PASSWORD}")
        return browser

    return factory


def state_of(case):
    transaction.begin()
    return api.content.get_state(case)


@pytest.fixture
def draft(functional):
    """A draft of the matrix owner, without consent, with the panel shared."""
    portal = functional["portal"]
    create_users()
    with api.env.adopt_user(username=userid("owner")):
        case = create_case(portal["cases"], **case_values(portal["cases"]))
    share(case)
    transaction.commit()
    return case


def button_label(browser):
    html = browser.contents
    marker = 'id="cpms-next-step-button"'
    if marker not in html:
        return None
    tail = html[html.index(marker) :]
    return tail[tail.index(">") + 1 : tail.index("</")].strip()


def test_codes_show_as_chips_not_python_lists(draft, browser_for):
    with api.env.adopt_roles(["Manager"]):
        draft.icd10_codes = ["Q64.2", "N31.9"]
        draft.hpo_terms = ["HP:0000252", "HP:0000083"]
        draft.reindexObject()
    transaction.commit()
    owner = browser_for("owner")
    owner.open(draft.absolute_url())
    html = owner.contents
    assert '<span class="cpms-chip-code">Q64.2</span>' in html
    assert '<span class="cpms-chip-code">N31.9</span>' in html
    assert '<span class="cpms-chip-code">HP:0000252</span>' in html
    assert "Microcephaly" in html
    assert "['Q64.2'" not in html
    assert "False" not in owner.contents.split("cpms-workspace", 1)[1]


def test_next_step_per_role_and_state(functional, browser_for):
    portal = functional["portal"]
    case = build_case(portal, "submitted")
    transaction.commit()
    # submitted: the coordinator opens the panel; the clinician waits
    coordinator = browser_for("coordinator")
    coordinator.open(case.absolute_url())
    assert button_label(coordinator) == "Open panel"
    owner = browser_for("owner")
    owner.open(case.absolute_url())
    assert button_label(owner) is None
    assert "Nothing waits on you" in owner.contents

    coordinator.getControl("Open panel").click()
    assert "The panel is open." in coordinator.contents
    assert state_of(case) == "in_discussion"

    # in discussion: the second member has not contributed yet
    expert = browser_for("panel_member")
    expert.open(case.absolute_url())
    assert button_label(expert) == "Add your contribution"
    expert.getControl(name="text").value = "Genetic testing first, then decide."
    expert.getControl("Add your contribution").click()
    assert "Your contribution is added." in expert.contents
    assert "Genetic testing first, then decide." in expert.contents
    assert button_label(expert) is None

    # the lead: a draft report exists (build_case), so: Sign, then Close
    lead = browser_for("lead")
    lead.open(case.absolute_url())
    assert button_label(lead) == "Sign"
    lead.getControl("Sign").click()
    assert "The report is signed." in lead.contents
    assert button_label(lead) == "Close"
    assert "Download the report (PDF)" in lead.contents
    assert "@@report.pdf" in lead.contents
    lead.getControl("Close", index=0).click()
    assert "The case is closed." in lead.contents
    assert state_of(case) == "closed"
    assert "Closed" in lead.contents


def test_refused_submit_lists_what_is_missing(draft, browser_for):
    owner = browser_for("owner")
    owner.open(draft.absolute_url())
    assert button_label(owner) == "Submit"
    owner.getControl("Submit").click()
    assert state_of(draft) == "draft"
    assert "refused=submit" in owner.url
    assert "The case cannot be submitted yet." in owner.contents
    link = owner.getLink("Record the care consent")
    assert link.url.endswith("/@@edit-case#consent")
    # The refusal is said in words, never with a workflow id.
    assert "WorkflowException" not in owner.contents


def test_refused_submit_from_plone_s_transition_link_lands_on_the_checklist(
    draft, browser_for
):
    """Plone's own transition link (a mail, a bookmark, the old State menu):
    a clinician, who may not use Plone's "Publishing process" form, lands on
    the case page with the same checklist as its Submit button gives."""
    owner = browser_for("owner")
    owner.open(draft.absolute_url())
    token = owner.getControl(name="_authenticator", index=0).value
    owner.post(
        f"{draft.absolute_url()}/content_status_modify",
        f"workflow_action=submit&_authenticator={token}",
    )
    assert state_of(draft) == "draft"
    assert "content_status_history" not in owner.url
    assert owner.url.split("?")[0].split("#")[0] == draft.absolute_url()
    assert "refused=submit" in owner.url
    assert "The case cannot be submitted yet." in owner.contents
    assert owner.getLink("Record the care consent").url.endswith("/@@edit-case#consent")


def test_request_for_information_and_answer(functional, browser_for):
    portal = functional["portal"]
    case = build_case(portal, "in_discussion")
    transaction.commit()
    coordinator = browser_for("coordinator")
    coordinator.open(case.absolute_url())
    form = coordinator.getForm(id="action-request_info")
    form.getControl("Ask the referring clinician for information").click()
    # without a message nothing happens, and the page says what to write
    assert "What information is missing? Write it in the box" in coordinator.contents
    assert "request_info needs a comment" not in coordinator.contents
    assert state_of(case) == "in_discussion"
    form = coordinator.getForm(id="action-request_info")
    form.getControl(name="comment").value = "Which antibiotics were tried?"
    form.getControl("Ask the referring clinician for information").click()
    assert state_of(case) == "draft"

    owner = browser_for("owner")
    owner.open(case.absolute_url())
    assert "Information requested" in owner.contents
    assert "Which antibiotics were tried?" in owner.contents
    assert button_label(owner) == "Provide the information"
    owner.getControl("Your answer").value = "Amoxicillin, then nitrofurantoin."
    owner.getControl("Provide the information").click()
    assert state_of(case) == "submitted"
    assert "Information provided and submitted again" in owner.contents
    assert "Amoxicillin, then nitrofurantoin." in owner.contents


def test_withdraw_needs_a_confirmation(draft, browser_for):
    owner = browser_for("owner")
    owner.open(draft.absolute_url())
    owner.getLink("Withdraw the case...").click()
    assert state_of(draft) == "draft"
    assert f"Withdraw case {draft.Title()}?" in owner.contents
    assert "it cannot be reopened" in owner.contents
    owner.getLink("No, back to the case").click()
    assert owner.url == draft.absolute_url()
    owner.getLink("Withdraw the case...").click()
    owner.getControl("Yes, withdraw the case").click()
    assert state_of(draft) == "withdrawn"
    assert "The case is withdrawn." in owner.contents


def test_action_view_refuses_get_and_missing_token(draft, browser_for):
    owner = browser_for("owner")
    owner.open(draft.absolute_url())
    with pytest.raises(Exception) as refused:
        owner.open(f"{draft.absolute_url()}/@@case-action?action=submit")
    assert "BadRequest" in repr(refused.value) or "400" in str(refused.value)
    from zExceptions import Forbidden

    with pytest.raises(Forbidden):
        owner.post(
            f"{draft.absolute_url()}/@@case-action", "action=withdraw&confirmed=1"
        )
    assert state_of(draft) == "draft"
