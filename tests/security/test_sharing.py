"""The Sharing tab of a case: which local roles show, and who may grant which."""

import pytest
from plone import api
from zope.component import getMultiAdapter

from cpms.cases import states
from cpms.core.roles import PANEL_MEMBER
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
    build_case(portal, states.DRAFT)  # creates the users
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

    case = build_case(functional_portal, states.IN_DISCUSSION)
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


# --- The Sharing tab is the site managers'; roles go to people only -------


def _session(portal, user, password):
    from pytest_plone.fixtures.requests import RelativeSession

    session = RelativeSession(f"{portal.absolute_url()}/")
    session.auth = (user, password)
    return session


def test_sharing_tab_is_for_site_managers_only(functional_portal):
    """A coordinator (who may delegate the case's roles) gets no Sharing tab
    and cannot open the page; a site manager gets both."""
    import transaction
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    from tests.security.helpers import PASSWORD

    case = build_case(functional_portal, states.IN_DISCUSSION)
    transaction.commit()
    url = f"{case.absolute_url()}/@@sharing"

    coordinator = _session(functional_portal, userid("coordinator"), PASSWORD)
    refused = coordinator.get(url, allow_redirects=False)
    assert refused.status_code in (302, 401, 403)
    assert "Panel lead" not in refused.text
    lead = _session(functional_portal, userid("lead"), PASSWORD)
    assert lead.get(url, allow_redirects=False).status_code in (302, 401, 403)

    manager = _session(functional_portal, SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    page = manager.get(url)
    assert page.status_code == 200
    assert "Panel lead" in page.text
    assert "Can edit" not in page.text  # Plone's roles mean nothing here
    assert "Logged-in users" not in page.text

    transaction.begin()
    actions = functional_portal.portal_actions
    with api.env.adopt_user(username=userid("coordinator")):
        tabs = {a["id"] for a in actions.listFilteredActionsFor(case)["object"]}
    assert "local_roles" not in tabs
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        tabs = {a["id"] for a in actions.listFilteredActionsFor(case)["object"]}
    assert "local_roles" in tabs
    # Elsewhere the tab is Plone's, as before.
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        tabs = {
            a["id"]
            for a in actions.listFilteredActionsFor(functional_portal["cases"])[
                "object"
            ]
        }
    assert "local_roles" in tabs
    for session in (coordinator, lead, manager):
        session.close()


GROUP_REFUSED = "Roles on a case are given to people, not to groups"


@pytest.mark.parametrize("group", ["AuthenticatedUsers", "hcp-somewhere"])
def test_no_role_on_a_case_for_a_group_through_the_api(portal, group):
    from cpms.cases.sharing import GroupRoleError

    case = build_case(portal, states.IN_DISCUSSION)
    if group != "AuthenticatedUsers":
        api.group.create(groupname=group)
    with pytest.raises(GroupRoleError, match=GROUP_REFUSED):
        api.group.grant_roles(groupname=group, obj=case, roles=[PANEL_MEMBER])
    with pytest.raises(GroupRoleError):
        case.manage_addLocalRoles(group, ["Reader"])
    assert case.get_local_roles_for_userid(group) == ()
    # People still get their roles the usual way.
    api.user.grant_roles(username=userid("hp_other"), obj=case, roles=[PANEL_MEMBER])
    assert PANEL_MEMBER in case.get_local_roles_for_userid(userid("hp_other"))


def test_a_group_grant_made_before_the_rule_can_be_taken_away(portal):
    from AccessControl.rolemanager import RoleManager

    case = build_case(portal, states.IN_DISCUSSION)
    # As an old site could hold it (written below the Case class's check).
    RoleManager.manage_setLocalRoles(case, "AuthenticatedUsers", ["Panel Member"])
    api.group.revoke_roles(
        groupname="AuthenticatedUsers", obj=case, roles=[PANEL_MEMBER]
    )
    assert case.get_local_roles_for_userid("AuthenticatedUsers") == ()


def test_no_role_for_a_group_over_rest_sharing(functional_portal):
    import transaction

    from tests.security.helpers import PASSWORD

    case = build_case(functional_portal, states.IN_DISCUSSION)
    transaction.commit()
    coordinator = _session(functional_portal, userid("coordinator"), PASSWORD)
    coordinator.headers.update({"Accept": "application/json"})
    answer = coordinator.post(
        f"{case.absolute_url()}/@sharing",
        json={
            "entries": [
                {
                    "id": userid("hp_other"),
                    "type": "user",
                    "roles": {"Panel Member": True},
                },
                {
                    "id": "AuthenticatedUsers",
                    "type": "group",
                    "roles": {"Panel Member": True},
                },
            ]
        },
    )
    assert answer.status_code == 400, answer.text
    error = answer.json()
    assert error["type"] == "BadRequest"
    assert GROUP_REFUSED in error["message"]
    assert "'AuthenticatedUsers' is a group" in error["message"]
    transaction.begin()
    # Refused as a whole: the person in the same request got nothing either.
    assert case.get_local_roles_for_userid("AuthenticatedUsers") == ()
    assert case.get_local_roles_for_userid(userid("hp_other")) == ()
    # Without the group the same request works.
    ok = coordinator.post(
        f"{case.absolute_url()}/@sharing",
        json={
            "entries": [
                {
                    "id": userid("hp_other"),
                    "type": "user",
                    "roles": {"Panel Member": True},
                }
            ]
        },
    )
    assert ok.status_code == 204, ok.text
    coordinator.close()


def test_no_role_for_a_group_on_the_sharing_form(functional_portal):
    """Even a site manager's Sharing form refuses it, saying why."""
    import re
    from urllib.parse import urlencode

    import transaction
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    case = build_case(functional_portal, states.IN_DISCUSSION)
    transaction.commit()
    manager = _session(functional_portal, SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    url = f"{case.absolute_url()}/@@sharing"
    token = re.search(r'name="_authenticator" value="([^"]+)"', manager.get(url).text)
    answer = manager.post(
        url,
        data=urlencode(
            [
                ("entries.id:records", "AuthenticatedUsers"),
                ("entries.type:records", "group"),
                ("entries.role_Panel Member:records", "True"),
                ("form.submitted:boolean", "True"),
                ("form.button.Save", "Save"),
                ("_authenticator", token[1]),
            ]
        ),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200
    assert GROUP_REFUSED in answer.text
    assert "Changes saved" not in answer.text
    transaction.begin()
    assert case.get_local_roles_for_userid("AuthenticatedUsers") == ()
    manager.close()
