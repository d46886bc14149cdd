"""The Sharing tab of a case: which local roles show, and who may grant which."""

import pytest
from plone import api
from zope.component import getMultiAdapter

from tests.security.helpers import build_case
from tests.security.helpers import userid

CASE_ROLES = {"Owner", "Panel Lead", "Panel Member", "Guest Clinician"}


def grantable(case, row, request):
    with api.env.adopt_user(username=userid(row)):
        view = getMultiAdapter((case, request), name="sharing")
        if not api.user.has_permission("Sharing page: Delegate roles", obj=case):
            return None  # no Sharing tab at all
        return {r["id"] for r in view.roles()}


@pytest.mark.parametrize(
    "state,row,expected",
    [
        ("submitted", "coordinator", CASE_ROLES),
        ("in_discussion", "coordinator", CASE_ROLES),
        ("in_discussion", "lead", {"Panel Member", "Guest Clinician"}),
        ("submitted", "lead", None),  # the panel is the coordinator's until open
        ("in_discussion", "owner", None),
        ("in_discussion", "panel_member", None),
        ("in_discussion", "editor", None),
        ("in_discussion", "helpdesk", None),
    ],
)
def test_who_may_grant_what(portal, http_request, state, row, expected):
    case = build_case(portal, state)
    assert grantable(case, row, http_request) == expected


def test_case_roles_only_on_cases(portal, http_request):
    """Elsewhere (a guide) the case roles are not offered; Plone's are."""
    build_case(portal, "draft")  # creates the users
    with api.env.adopt_roles(["Manager"]):
        folder = api.content.create(container=portal, type="Folder", id="f", title="F")
        view = getMultiAdapter((folder, http_request), name="sharing")
        roles = {r["id"] for r in view.roles()}
    assert not roles & CASE_ROLES
    assert "Reader" in roles


def test_lead_cannot_make_a_lead_over_rest(functional_portal):
    import transaction
    from pytest_plone.fixtures.requests import RelativeSession

    from tests.security.helpers import PASSWORD

    case = build_case(functional_portal, "in_discussion")
    path = case.absolute_url_path()[len(functional_portal.absolute_url_path()) :]
    transaction.commit()
    session = RelativeSession(f"{functional_portal.absolute_url()}/++api++")
    session.headers.update({"Accept": "application/json"})
    session.auth = (userid("lead"), PASSWORD)
    answer = session.post(
        f"{path}/@sharing",
        json={
            "entries": [
                {
                    "id": userid("hp_other"),
                    "type": "user",
                    "roles": {"Panel Lead": True},
                },
                {
                    "id": userid("member"),
                    "type": "user",
                    "roles": {"Panel Member": True},
                },
            ]
        },
    )
    assert answer.status_code == 204
    transaction.begin()
    roles_of = case.get_local_roles_for_userid
    assert "Panel Lead" not in roles_of(userid("hp_other"))  # silently not delegable
    assert roles_of(userid("member")) == ("Panel Member",)
    session.close()
