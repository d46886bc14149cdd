"""Upgrade step 20261202036 on a site made before the activity report."""

from cpms.core import permissions
from cpms.upgrades.v20261202036 import upgrade


def _roles_of(obj, permission):
    return {r["name"] for r in obj.rolesOfPermission(permission) if r["selected"]}


def test_upgrade_grants_the_activity_report(portal):
    # As before: nobody but what Zope gives every permission by default.
    portal.manage_permission(permissions.VIEW_ACTIVITY_REPORT, ["Manager"], 1)
    portal.manage_permission(permissions.VIEW_AUDIT_LOG, ["Manager"], 1)
    assert "Coordinator" not in _roles_of(portal, permissions.VIEW_ACTIVITY_REPORT)

    upgrade()

    assert _roles_of(portal, permissions.VIEW_ACTIVITY_REPORT) == {
        "Manager",
        "Coordinator",
    }
    # Other site-wide permissions stay as they were.
    assert _roles_of(portal, permissions.VIEW_AUDIT_LOG) == {"Manager"}


def test_a_new_site_has_it(portal):
    assert _roles_of(portal, permissions.VIEW_ACTIVITY_REPORT) == {
        "Manager",
        "Coordinator",
    }
