"""Plone's toolbar and admin screens: network staff only.

Clinicians, panel members, guests and coordinators see the portal's pages
with a member menu and no toolbar; opening folder contents, Sharing, the
"Publishing process" form and the like by address lands them on Plone's
"Insufficient Privileges" page. Editors, reviewers, the helpdesk and site
managers keep Plone's UI. Through HTTP on the demo site, plone.protect on.
"""

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

from cpms.demo import DEMO_PASSWORD

CASE = "/cases/demo-silver-otter"
# Everyone here may read the case: owner, lead, member, guest, coordinator.
CLINICAL_USERS = ["clinician", "lead", "expert1", "guest", "coordinator"]
STAFF = ["editor", "reviewer", "helpdesk"]

ADMIN_SCREENS = [
    f"{CASE}/folder_contents",
    f"{CASE}/@@sharing",
    f"{CASE}/content_status_history",
    f"{CASE}/select_default_view",
    f"{CASE}/manage-portlets",
    f"{CASE}/object_rename",
    "/cases/folder_contents",
    "/guides/folder_contents",
]


@pytest.fixture
def get(demo_functional_portal):
    """``get(user, path)`` -> the response after redirects, as that user."""
    url = demo_functional_portal.absolute_url()
    sessions = []

    def fetch(user, path):
        session = requests.Session()
        sessions.append(session)
        if user == SITE_OWNER_NAME:
            session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        elif user:
            session.auth = (user, DEMO_PASSWORD)
        return session.get(url + path, timeout=60)

    yield fetch
    for session in sessions:
        session.close()


@pytest.mark.parametrize("user", CLINICAL_USERS)
def test_clinical_users_get_no_toolbar_but_a_member_menu(get, user):
    page = get(user, CASE)
    assert page.status_code == 200
    assert 'id="edit-bar"' not in page.text
    assert 'id="portal-membertools"' in page.text
    assert "Log out" in page.text
    for admin_link in ("/folder_contents", "/@@sharing", "content_status_history"):
        assert admin_link not in page.text
    # Nor Plone's navigation tree beside the workspace.
    assert "portletNavigationTree" not in page.text


@pytest.mark.parametrize("user", STAFF)
def test_network_staff_keep_plone_toolbar(get, user):
    page = get(user, "/guides")
    assert page.status_code == 200
    assert 'id="edit-bar"' in page.text


def test_site_manager_keeps_plone_toolbar_on_cases(get):
    page = get(SITE_OWNER_NAME, CASE)
    assert 'id="edit-bar"' in page.text
    assert "/folder_contents" in page.text


@pytest.mark.parametrize("path", ADMIN_SCREENS)
@pytest.mark.parametrize("user", CLINICAL_USERS)
def test_admin_screens_refused_to_clinical_users(get, user, path):
    page = get(user, path)
    assert page.url.endswith("/insufficient-privileges"), page.url
    assert "Insufficient Privileges" in page.text


def test_the_screen_is_refused_even_where_plone_would_allow_it(
    demo_functional_portal, get
):
    """The owner may list the case's contents (Plone's permission); the
    folder contents screen is refused all the same, by the portal's guard."""
    case = demo_functional_portal["cases"]["demo-silver-otter"]
    assert api.user.has_permission(
        "List folder contents", username="clinician", obj=case
    )
    assert get("clinician", f"{CASE}/folder_contents").url.endswith(
        "/insufficient-privileges"
    )


def test_staff_open_plone_screens(get):
    contents = get("editor", "/guides/folder_contents")
    assert contents.status_code == 200
    assert contents.url.endswith("/guides/folder_contents")
    assert 'id="edit-bar"' in contents.text
    sharing = get(SITE_OWNER_NAME, f"{CASE}/@@sharing")
    assert sharing.url.endswith("/@@sharing")
    assert "Panel lead" in sharing.text


def test_anonymous_visitors_are_asked_to_log_in(get):
    page = get(None, "/guides/folder_contents")
    assert "require_login" in page.url or "/login" in page.url
    assert 'name="__ac_password"' in page.text


def test_admin_actions_only_for_staff(demo_functional_portal):
    transaction.begin()
    portal = demo_functional_portal
    actions = portal.portal_actions

    def action_ids(user, obj):
        with api.env.adopt_user(username=user):
            found = actions.listFilteredActionsFor(obj)
        return {a["id"] for a in found.get("object", []) + found.get("user", [])}

    case = portal["cases"]["demo-silver-otter"]
    for user in CLINICAL_USERS:
        ids = action_ids(user, case)
        assert "folderContents" not in ids, user
        assert "dashboard" not in ids, user  # their home is My cases
        assert "cpms_my_cases" in ids, user
    staff = action_ids("editor", portal["guides"])
    assert "folderContents" in staff
    assert "dashboard" in staff
