"""Upgrade step 20261202034 on a site made before the statistics."""

from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

from cpms.core import permissions
from cpms.insights import facts
from cpms.upgrades.v20261202034 import COLUMNS
from cpms.upgrades.v20261202034 import THRESHOLD
from cpms.upgrades.v20261202034 import upgrade
from tests.insights.test_statistics_facts import make_case
from tests.insights.test_statistics_facts import make_network


def _roles_of(obj, permission):
    return {r["name"] for r in obj.rolesOfPermission(permission) if r["selected"]}


def test_upgrade(portal):
    net = make_network(portal)
    case = make_case(portal, net, centre="leiden", orpha=("ORPHA:93110",))
    catalog = api.portal.get_tool("portal_catalog")
    registry = getUtility(IRegistry)
    # As before: no columns, no role, no permission, no setting, no link.
    for column in COLUMNS:
        catalog.delColumn(column)
    portal.manage_permission(permissions.VIEW_STATISTICS, ["Manager"], 1)
    portal.__ac_roles__ = tuple(r for r in portal.__ac_roles__ if r != "Researcher")
    del registry.records[THRESHOLD]
    api.portal.get_tool("portal_actions").user.manage_delObjects(["cpms_statistics"])
    assert facts.case_facts()[0].country == ""

    upgrade(api.portal.get_tool("portal_setup"))

    assert {"Manager", "Coordinator", "Researcher"} <= _roles_of(
        portal, permissions.VIEW_STATISTICS
    )
    # Offered in the users and groups screens (portal_membership's roles).
    membership = api.portal.get_tool("portal_membership")
    assert "Researcher" in membership.getPortalRoles()
    assert "Researcher" in portal.valid_roles()
    assert registry[THRESHOLD] == 5
    assert "cpms_statistics" in api.portal.get_tool("portal_actions").user
    (found,) = facts.case_facts()
    assert found.uid == case.UID()
    assert (found.country, found.orpha_codes) == ("NL", ("ORPHA:93110",))


def test_upgrade_keeps_a_threshold_set(portal):
    api.portal.set_registry_record(THRESHOLD, 10)
    upgrade(api.portal.get_tool("portal_setup"))
    assert api.portal.get_registry_record(THRESHOLD) == 10
