"""A consent can be withdrawn whatever the state of its case: closed and
archived too, by the enrolling clinician, a coordinator and an
administrator (the patient's right, GDPR Art. 7(3))."""

import pytest
from plone import api

from cpms.cases import states
from tests.security.helpers import build_case
from tests.security.helpers import child
from tests.security.helpers import do
from tests.security.helpers import userid

WHO = {
    "clinician": lambda: userid("owner"),
    "coordinator": lambda: userid("coordinator"),
    "administrator": lambda: "admin-dpo-test",
}


@pytest.fixture
def admin(portal):
    acl_users = api.portal.get_tool("acl_users")
    if api.user.get(userid="admin-dpo-test") is None:
        acl_users.userFolderAddUser("admin-dpo-test", "x-secret-1", ["Manager"], [])


@pytest.mark.parametrize("state", [states.CLOSED, states.ARCHIVED])
@pytest.mark.parametrize("who", sorted(WHO))
def test_withdraw_consent_in_closed_and_archived(portal, admin, state, who):
    api.portal.set_registry_record("cpms.privacy.erase_after_care_withdrawal_days", 30)
    case = build_case(portal, state)
    consent = child(case, "ConsentRecord")
    do(consent, states.WITHDRAW_CONSENT, WHO[who]())
    assert api.content.get_state(consent) == states.CONSENT_WITHDRAWN
    assert consent.withdrawn is True
    # The case keeps its state: it is erased after the grace period.
    assert api.content.get_state(case) == state
    from cpms.privacy.erasure import erase_due

    assert erase_due(case) is not None


@pytest.mark.parametrize("who", ["lead", "panel_member", "guest", "helpdesk"])
def test_others_still_cannot_withdraw(portal, who):
    from Products.CMFCore.WorkflowCore import WorkflowException

    case = build_case(portal, states.CLOSED)
    consent = child(case, "ConsentRecord")
    with pytest.raises(WorkflowException):
        do(consent, states.WITHDRAW_CONSENT, userid(who))
    assert api.content.get_state(consent) == states.CONSENT_RECORDED
