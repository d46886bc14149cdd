"""cpms_case_workflow: states, transitions, the readiness rules and locks
(Python API, integration layer)."""

import pytest
from plone import api
from Products.CMFCore.WorkflowCore import WorkflowException

from cpms.cases import states
from cpms.cases.case_id import create_case
from cpms.core import audit
from cpms.core import permissions
from tests.security.helpers import SECOND_EXPERT
from tests.security.helpers import add_consent
from tests.security.helpers import build_case
from tests.security.helpers import case_values
from tests.security.helpers import child
from tests.security.helpers import contribute
from tests.security.helpers import create_users
from tests.security.helpers import do
from tests.security.helpers import fill_required
from tests.security.helpers import userid


@pytest.fixture
def users(portal):
    create_users()


@pytest.fixture
def bare_case(portal, users):
    """A draft case without consent."""
    with api.env.adopt_user(username=userid("owner")):
        case = create_case(portal["cases"], **case_values(portal["cases"]))
        fill_required(case)
    return case


def test_bindings(portal):
    # Literal on purpose: workflow, state and transition ids are part of the
    # API (REST @workflow, catalog queries); this pins them, so renaming one
    # in cpms.cases.states fails here instead of silently changing the API.
    wf = portal.portal_workflow
    assert wf.getChainForPortalType("Case") == ("cpms_case_workflow",)
    assert wf.getChainForPortalType("ConsentRecord") == ("cpms_consent_workflow",)
    assert wf.getChainForPortalType("Contribution") == ("cpms_contribution_workflow",)
    assert wf.getChainForPortalType("OutcomeReport") == (
        "cpms_outcome_report_workflow",
    )
    case_wf = wf["cpms_case_workflow"]
    assert set(case_wf.states) == {
        "draft",
        "submitted",
        "in_discussion",
        "closed",
        "archived",
        "withdrawn",
    }
    assert set(case_wf.transitions) == {
        "submit",
        "open_panel",
        "request_info",
        "close",
        "archive",
        "withdraw",
        "reopen",
    }


def test_enrolling_clinician_is_owner(bare_case):
    assert "Owner" in bare_case.get_local_roles_for_userid(userid("owner"))
    assert api.content.get_state(bare_case) == states.DRAFT


def test_submit_needs_care_consent(bare_case):
    with pytest.raises(WorkflowException, match="care consent"):
        do(bare_case, states.SUBMIT, userid("owner"))
    assert api.content.get_state(bare_case) == states.DRAFT


def test_research_consent_is_not_enough(bare_case):
    with api.env.adopt_user(username=userid("owner")):
        add_consent(bare_case, kind="research")
    with pytest.raises(WorkflowException, match="care consent"):
        do(bare_case, states.SUBMIT, userid("owner"))


def test_submit_names_missing_fields(bare_case):
    with api.env.adopt_user(username=userid("owner")):
        add_consent(bare_case)
    bare_case.clinical_question = None
    with pytest.raises(WorkflowException, match="required fields: .*question"):
        do(bare_case, states.SUBMIT, userid("owner"))


def test_submit_with_consent(bare_case):
    with api.env.adopt_user(username=userid("owner")):
        add_consent(bare_case)
    do(bare_case, states.SUBMIT, userid("owner"))
    assert api.content.get_state(bare_case) == states.SUBMITTED


def test_request_info_needs_a_message_and_shows_it(portal):
    case = build_case(portal, states.SUBMITTED)
    with pytest.raises(WorkflowException, match="needs a comment"):
        do(case, states.REQUEST_INFO, userid("coordinator"))
    do(case, states.REQUEST_INFO, userid("coordinator"), comment="Please add the MRI.")
    assert api.content.get_state(case) == states.DRAFT
    from cpms.cases.workflow import last_info_request

    assert last_info_request(case)["comment"] == "Please add the MRI."
    # resubmitting clears it
    do(case, states.SUBMIT, userid("owner"))
    assert last_info_request(case) is None


def test_close_needs_signed_report(portal):
    case = build_case(portal, states.IN_DISCUSSION)
    with pytest.raises(WorkflowException, match="signed by the panel lead"):
        do(case, states.CLOSE, userid("lead"))
    do(child(case, "OutcomeReport"), states.SIGN, userid("lead"))
    do(case, states.CLOSE, userid("lead"))
    assert api.content.get_state(case) == states.CLOSED


def test_close_needs_two_experts(portal):
    case = build_case(portal, states.IN_DISCUSSION)
    do(child(case, "OutcomeReport"), states.SIGN, userid("lead"))
    # Remove the second expert's contribution: only the lead's remains. A
    # contribution of the clinician (Owner) or a guest does not count.
    second = [
        c
        for c in case.objectValues()
        if c.portal_type == "Contribution" and c.Creator() == SECOND_EXPERT[0]
    ]
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(objects=second)
    contribute(case, userid("owner"))
    contribute(case, userid("guest"))
    with pytest.raises(WorkflowException, match="at least 2 different experts"):
        do(case, states.CLOSE, userid("lead"))
    contribute(case, userid("panel_member"))
    do(case, states.CLOSE, userid("lead"))
    assert api.content.get_state(case) == states.CLOSED


def test_coordinator_override_is_recorded(portal):
    case = build_case(portal, states.IN_DISCUSSION)
    with pytest.raises(WorkflowException, match="override"):
        do(case, states.CLOSE, userid("coordinator"))
    # the lead cannot override
    with pytest.raises(WorkflowException) as refused:
        do(case, states.CLOSE, userid("lead"), comment="I want to")
    assert "override" not in str(refused.value)
    do(
        case,
        states.CLOSE,
        userid("coordinator"),
        comment="Patient moved; lead on leave.",
    )
    assert api.content.get_state(case) == states.CLOSED
    (entry,) = audit.entries(case)
    assert entry["action"] == "close_override"
    assert entry["actor"] == userid("coordinator")
    assert "Patient moved; lead on leave." in entry["message"]
    assert "outcome report" in entry["message"]


def test_signing_records_and_locks(portal):
    case = build_case(portal, states.IN_DISCUSSION)
    report = child(case, "OutcomeReport")
    with api.env.adopt_user(username=userid("lead")):
        assert api.user.has_permission(permissions.MODIFY_PORTAL_CONTENT, obj=report)
    do(report, states.SIGN, userid("lead"))
    assert report.signed_by == userid("lead")
    assert report.signed_on is not None
    with api.env.adopt_user(username=userid("lead")):
        assert not api.user.has_permission(
            permissions.MODIFY_PORTAL_CONTENT, obj=report
        )
        assert api.user.has_permission(permissions.VIEW, obj=report)


def transitions(obj, row):
    with api.env.adopt_user(username=userid(row)):
        wf = api.portal.get_tool("portal_workflow")
        return sorted(t["id"] for t in wf.getTransitionsFor(obj))


def test_only_the_lead_signs(portal):
    case = build_case(portal, states.IN_DISCUSSION)
    report = child(case, "OutcomeReport")
    assert transitions(report, "lead") == ["sign"]
    for row in ("coordinator", "panel_member", "owner", "guest"):
        assert transitions(report, row) == [], row


def test_contributions_are_append_only(portal):
    case = build_case(portal, states.IN_DISCUSSION)
    contribution = child(case, "Contribution")
    for row in ("lead", "owner", "panel_member", "coordinator"):
        with api.env.adopt_user(username=userid(row)):
            assert api.user.has_permission(permissions.VIEW, obj=contribution)
            assert not api.user.has_permission(
                permissions.MODIFY_PORTAL_CONTENT, obj=contribution
            )


@pytest.mark.parametrize("state", states.OPEN_STATES)
def test_withdrawn_care_consent_withdraws_and_locks_the_case(portal, state):
    case = build_case(portal, state)
    consent = child(case, "ConsentRecord")
    do(consent, states.WITHDRAW_CONSENT, userid("owner"))
    assert api.content.get_state(case) == states.WITHDRAWN
    assert consent.withdrawn and consent.withdrawal_date is not None
    assert [e["action"] for e in audit.entries(case)] == ["consent_withdrawn"]
    for row in ("owner", "coordinator", "lead"):
        with api.env.adopt_user(username=userid(row)):
            for obj in [*case.objectValues(), case]:
                assert not api.user.has_permission(
                    permissions.MODIFY_PORTAL_CONTENT, obj=obj
                )
            assert not api.user.has_permission(permissions.ADD_PORTAL_CONTENT, obj=case)
            assert (
                api.content.get_available_transitions(case) == []
                if hasattr(api.content, "get_available_transitions")
                else True
            )
    for row in ("owner", "coordinator", "lead"):
        assert transitions(case, row) == [], row
    # the panel no longer sees it; the clinician and coordinators do
    with api.env.adopt_user(username=userid("lead")):
        assert not api.user.has_permission(permissions.VIEW, obj=case)
    with api.env.adopt_user(username=userid("owner")):
        assert api.user.has_permission(permissions.VIEW, obj=case)


def test_withdrawal_date_in_edit_form_withdraws(portal):
    from datetime import date

    from zope.event import notify
    from zope.lifecycleevent import ObjectModifiedEvent

    case = build_case(portal, states.DRAFT)
    consent = child(case, "ConsentRecord")
    consent.withdrawn = True
    consent.withdrawal_date = date(2026, 2, 1)
    notify(ObjectModifiedEvent(consent))
    assert api.content.get_state(consent) == states.CONSENT_WITHDRAWN
    assert api.content.get_state(case) == states.WITHDRAWN


def test_reopen_and_archive(portal):
    case = build_case(portal, states.CLOSED)
    do(case, states.REOPEN, userid("coordinator"))
    assert api.content.get_state(case) == states.IN_DISCUSSION
    do(case, states.CLOSE, userid("lead"))
    do(case, states.ARCHIVE, userid("coordinator"))
    assert api.content.get_state(case) == states.ARCHIVED
