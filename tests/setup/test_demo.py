"""The demo profile: a fictional network with one user per role."""

import pytest
from plone import api

from cpms.demo import DEMO_PASSWORD
from cpms.demo.users import DEMO_USERS


@pytest.mark.parametrize("userid", sorted(DEMO_USERS))
def test_demo_user_per_role(demo_portal, userid):
    user = api.user.get(userid=userid)
    assert user is not None
    _, roles = DEMO_USERS[userid]
    assert set(roles) <= set(user.getRoles())
    assert "(demo)" in user.getProperty("fullname")


def test_demo_users_log_in_with_documented_password(demo_portal):
    acl = demo_portal.acl_users
    assert acl.authenticate("coordinator", DEMO_PASSWORD, demo_portal.REQUEST)


def test_every_site_role_has_a_demo_user():
    granted = {role for _, roles in DEMO_USERS.values() for role in roles}
    for role in (
        "Coordinator",
        "Helpdesk",
        "Healthcare Professional",
        "Editor",
        "Reviewer",
    ):
        assert role in granted


def test_demo_profile_runs_twice(demo_portal):
    before = len(api.user.get_users())
    demo_portal.portal_setup.runAllImportStepsFromProfile("profile-cpms:demo")
    assert len(api.user.get_users()) == before
