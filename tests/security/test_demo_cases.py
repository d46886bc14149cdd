"""The demo cases: three states, the demo users in their local roles."""

from plone import api

from cpms.cases import states
from cpms.core import permissions
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.demo.cases import CASES
from cpms.demo.cases import build_cases


def demo_cases(portal):
    return {
        c.nickname: c
        for c in portal["cases"].objectValues()
        if c.portal_type == "Case" and "demo" in c.Subject()
    }


def test_three_demo_cases_in_their_states(demo_portal):
    cases = demo_cases(demo_portal)
    assert {n: api.content.get_state(c) for n, c in cases.items()} == {
        spec["nickname"]: spec["state"] for spec in CASES
    }


def test_local_roles(demo_portal):
    cases = demo_cases(demo_portal)
    for case in cases.values():
        assert "Owner" in case.get_local_roles_for_userid("clinician")
    discussed = cases["Silver Otter (demo)"]
    assert PANEL_LEAD in discussed.get_local_roles_for_userid("lead")
    assert PANEL_MEMBER in discussed.get_local_roles_for_userid("expert1")
    assert PANEL_MEMBER in discussed.get_local_roles_for_userid("expert2")
    # Guest grants (cpms.identity.guests) end by themselves: the role comes
    # from the grant, not from a stored local role.
    assert GUEST_CLINICIAN in api.user.get_roles(username="guest", obj=discussed)
    closed = cases["Quiet Lynx (demo)"]
    assert GUEST_CLINICIAN not in api.user.get_roles(username="guest", obj=closed)


def test_closed_case_has_signed_report_and_two_experts(demo_portal):
    closed = demo_cases(demo_portal)["Quiet Lynx (demo)"]
    report = closed["outcome-report"]
    assert api.content.get_state(report) == states.REPORT_SIGNED
    assert report.signed_by == "lead"
    authors = {
        c.Creator() for c in closed.objectValues() if c.portal_type == "Contribution"
    }
    assert authors == {"expert1", "expert2"}


def test_demo_users_see_what_their_roles_say(demo_portal):
    cases = demo_cases(demo_portal)
    draft = cases["Blue Heron (demo)"]
    with api.env.adopt_user(username="clinician"):
        assert api.user.has_permission(permissions.MODIFY_PORTAL_CONTENT, obj=draft)
    for userid in ("lead", "expert1", "guest", "editor", "helpdesk"):
        with api.env.adopt_user(username=userid):
            assert not api.user.has_permission(permissions.VIEW, obj=draft), userid
    with api.env.adopt_user(username="coordinator"):
        assert api.user.has_permission(permissions.VIEW, obj=draft)


def test_demo_draft_has_no_care_consent_yet(demo_portal):
    """The documented walk-through (docs/api.md) records it and submits."""
    draft = demo_portal["cases"]["demo-blue-heron"]
    kinds = [c.kind for c in draft.objectValues() if c.portal_type == "ConsentRecord"]
    assert kinds == ["research"]
    assert draft.case_id.startswith("ERN-")


def test_builder_is_idempotent(demo_portal):
    before = sorted(demo_cases(demo_portal))
    build_cases(demo_portal)
    assert sorted(demo_cases(demo_portal)) == before
