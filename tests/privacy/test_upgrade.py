"""Upgrade step 20261202022 on a site made before the patient's rights."""

from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

from cpms.cases import states
from cpms.core import permissions
from cpms.upgrades.v20261202022 import RECORDS
from cpms.upgrades.v20261202022 import upgrade
from tests.security.helpers import build_case


def _roles_of(obj, permission):
    return {r["name"] for r in obj.rolesOfPermission(permission) if r["selected"]}


def test_upgrade(portal):
    case = build_case(portal, states.ARCHIVED)
    registry = getUtility(IRegistry)
    registry.records["cpms.privacy.erase_after_care_withdrawal_days"].value = 7
    # As before: no retention years, no DPO permissions, no withdrawal when
    # archived.
    del registry.records["cpms.privacy.retention_years_after_closure"]
    portal.manage_permission(permissions.EXPORT_CASE_DATA, ["Manager"], 1)
    case.manage_permission(permissions.WITHDRAW_CONSENT, [], 0)
    assert "Owner" not in _roles_of(case, permissions.WITHDRAW_CONSENT)

    upgrade(api.portal.get_tool("portal_setup"))

    assert "DataProtectionOfficer" in _roles_of(portal, permissions.EXPORT_CASE_DATA)
    assert "DataProtectionOfficer" in _roles_of(portal, permissions.ERASE_CASE_DATA)
    assert {"Owner", "Coordinator", "Manager"} <= _roles_of(
        case, permissions.WITHDRAW_CONSENT
    )
    assert set(RECORDS) <= set(registry.records.keys())
    assert registry["cpms.privacy.retention_years_after_closure"] == 10
    # What an administrator set stays.
    assert registry["cpms.privacy.erase_after_care_withdrawal_days"] == 7
