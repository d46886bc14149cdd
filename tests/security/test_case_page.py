"""What a case's page tells its readers: its state, an open request for
information, the audit trail; and refusals of the workflow as messages."""

import transaction
from plone.testing.zope import Browser

from cpms.cases import states
from tests.security.helpers import PASSWORD
from tests.security.helpers import build_case
from tests.security.helpers import do
from tests.security.helpers import userid


def browser(app, row):
    b = Browser(app)
    b.handleErrors = False
    b.addHeader("Authorization", f"Basic {userid(row)}:{PASSWORD}")
    return b


def test_request_for_information_and_override_shown(functional):
    portal, app = functional["portal"], functional["app"]
    returned = build_case(portal, states.DRAFT)  # sent back with a message
    overridden = build_case(portal, states.IN_DISCUSSION)
    do(overridden, states.CLOSE, userid("coordinator"), comment="Lead on long leave.")
    transaction.commit()

    owner = browser(app, "owner")
    owner.open(returned.absolute_url())
    assert "Information requested" in owner.contents
    assert "Please add the MRI report." in owner.contents

    coordinator = browser(app, "coordinator")
    coordinator.open(overridden.absolute_url())
    assert "Audit trail" in coordinator.contents
    assert "close_override" in coordinator.contents
    assert "Lead on long leave." in coordinator.contents


def test_request_info_without_message_is_explained(functional):
    """As a coordinator, who may not edit the case: the case page's form works.

    Clinicians and coordinators have no Plone toolbar; the request goes
    through the workspace's "Other actions", which says what to write.
    """
    portal, app = functional["portal"], functional["app"]
    case = build_case(portal, states.IN_DISCUSSION)
    transaction.commit()
    lead = browser(app, "coordinator")
    lead.open(case.absolute_url())
    form = lead.getForm(id="action-request_info")
    form.getControl("Ask the referring clinician for information").click()
    assert "What information is missing? Write it in the box" in lead.contents
    # The user stays on the case page, where the message can be written.
    assert lead.url.endswith("/@@case-action")
    transaction.begin()
    assert portal.portal_workflow.getInfoFor(case, "review_state") == "in_discussion"
    form = lead.getForm(id="action-request_info")
    form.getControl(name="comment").value = "Which antibiotics were tried?"
    form.getControl("Ask the referring clinician for information").click()
    assert "The case is back with its clinician." in lead.contents
    transaction.begin()
    assert portal.portal_workflow.getInfoFor(case, "review_state") == "draft"
