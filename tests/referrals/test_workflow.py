"""cpms_referral_workflow: who sees a referral and who may move it, per state.

The expectations are data: one table per question, role x state.
"""

import pytest
from plone import api

from cpms.core import permissions
from cpms.referrals.actions import create_referral

# States and transitions are named literally: this matrix is the independent
# statement of the referral workflow, and pins its ids (part of the API).
STATES = ("submitted", "under_review", "info_requested", "accepted", "declined")
ROLES = (
    "Anonymous",
    "Member",
    "Healthcare Professional",
    "Guest Clinician",
    "Editor",
    "Reviewer",
    "Helpdesk",
    "Coordinator",
    "Site Administrator",
    "Manager",
)
STAFF = {"Helpdesk", "Coordinator", "Site Administrator", "Manager"}
DECIDERS = {"Coordinator", "Site Administrator", "Manager"}
OPEN = {"submitted", "under_review", "info_requested"}

# state -> transition -> roles that may take it
TRANSITIONS = {
    "submitted": {"start_review": STAFF, "decline": DECIDERS},
    "under_review": {"request_info": STAFF, "accept": DECIDERS, "decline": DECIDERS},
    "info_requested": {"provide_info": STAFF, "decline": DECIDERS},
    "accepted": {},
    "declined": {},
}


def can_view(role, state):
    return role in STAFF


def can_edit(role, state):
    if role == "Manager":
        return True
    return state in OPEN and role in DECIDERS


FIELDS = {
    "clinician_name": "Dr. Test",
    "clinician_email": "dr.test@hospital.example",
    "provider": "Test Hospital",
    "country": "BE",
    "expertise_area": None,
    "urgency": "routine",
    "summary": "Boy, 3 years, short stature.",
    "question": "Which diagnosis fits?",
    "consent": True,
}


@pytest.fixture
def referral(portal):
    return create_referral(FIELDS)


def put_in(referral, state):
    wf_tool = api.portal.get_tool("portal_workflow")
    wf = wf_tool["cpms_referral_workflow"]
    wf_tool.setStatusOf(
        "cpms_referral_workflow",
        referral,
        {"review_state": state, "action": None, "actor": "test", "comments": ""},
    )
    wf.updateRoleMappingsFor(referral)
    referral.reindexObjectSecurity()


def test_new_referral_is_submitted_and_nobody_owns_it(referral):
    assert api.content.get_state(referral) == "submitted"
    assert referral.get_local_roles() == ()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_permissions(referral, role, state):
    put_in(referral, state)
    with api.env.adopt_roles([role]):
        assert api.user.has_permission(permissions.VIEW, obj=referral) == can_view(
            role, state
        )
        assert api.user.has_permission(
            permissions.MODIFY_PORTAL_CONTENT, obj=referral
        ) == can_edit(role, state)
        assert api.user.has_permission(permissions.DELETE_OBJECTS, obj=referral) == (
            role == "Manager"
        )
        wf_tool = api.portal.get_tool("portal_workflow")
        allowed = {t["id"] for t in wf_tool.getTransitionsFor(referral)}
    expected = {t for t, roles in TRANSITIONS[state].items() if role in roles}
    assert allowed == expected


@pytest.mark.parametrize("role", ROLES)
def test_the_referrals_folder(portal, role):
    with api.env.adopt_roles([role]):
        assert api.user.has_permission(permissions.VIEW, obj=portal["referrals"]) == (
            role in STAFF
        )


def test_the_ids_are_stable(portal):
    """Ids are API: this list changes only with an upgrade step and a note."""
    wf = api.portal.get_tool("portal_workflow")["cpms_referral_workflow"]
    assert set(wf.states.objectIds()) == set(STATES)
    assert set(wf.transitions.objectIds()) == {
        "start_review",
        "request_info",
        "provide_info",
        "accept",
        "decline",
    }
    assert wf.initial_state == "submitted"
    for state, moves in TRANSITIONS.items():
        assert set(wf.states[state].transitions) == set(moves)
