"""Accepting a referral from someone without an account: invitation, then login."""

from plone import api
from Products.PlonePAS.events import UserLoggedInEvent
from zope.event import notify

from cpms.identity import guests
from cpms.referrals import invitations
from cpms.referrals import states as referral_states
from cpms.referrals.actions import create_referral
from tests.referrals.test_workflow import FIELDS


def accept(referral):
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=referral, transition=referral_states.START_REVIEW)
        api.content.transition(obj=referral, transition=referral_states.ACCEPT)


def case_of(referral):
    """The referral's case, seen as a coordinator (who accepted it: not its
    Owner, but a coordinator sees every case)."""
    with api.env.adopt_roles(["Coordinator"]):
        return api.content.get(UID=referral.case_uid)


def test_unknown_referrer_gets_access_at_first_login(portal):
    with api.env.adopt_roles(["Manager"]):
        referral = create_referral(FIELDS)
    accept(referral)
    case = case_of(referral)
    assert guests.grants_on(case) == []
    assert "Invitation sent to dr.test@hospital.example" in referral.guest_invitation
    (pending,) = invitations.pending_for("Dr.Test@Hospital.example")
    assert pending["case_uid"] == case.UID()

    with api.env.adopt_roles(["Manager"]):
        user = api.user.create(
            username="drtest", email="dr.test@hospital.example", password="pw-12345678"
        )
    notify(UserLoggedInEvent(user))
    (grant,) = guests.grants_on(case)
    assert grant.userid == "drtest"
    assert grant.until == pending["until"]
    assert invitations.pending_for("dr.test@hospital.example") == []


def test_someone_else_logging_in_gets_nothing(portal):
    with api.env.adopt_roles(["Manager"]):
        referral = create_referral(FIELDS)
    accept(referral)
    with api.env.adopt_roles(["Manager"]):
        other = api.user.create(
            username="other", email="other@hospital.example", password="pw-12345678"
        )
    notify(UserLoggedInEvent(other))
    case = case_of(referral)
    assert guests.grants_on(case) == []
    assert len(invitations.pending_for(FIELDS["clinician_email"])) == 1


def test_decline_without_reason_is_refused(portal):
    import pytest
    from Products.CMFCore.WorkflowCore import WorkflowException

    with api.env.adopt_roles(["Manager"]):
        referral = create_referral(FIELDS)
        with pytest.raises(WorkflowException, match="reason is required"):
            api.portal.get_tool("portal_workflow").doActionFor(
                referral, "decline", comment=" "
            )
    assert api.content.get_state(referral) == referral_states.SUBMITTED
