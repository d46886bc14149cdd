"""Upgrade step 20261202013: ImagingSeries on a site made without it."""

from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

from cpms.upgrades.v20261202013 import RECORD
from cpms.upgrades.v20261202013 import TYPE
from cpms.upgrades.v20261202013 import upgrade


def test_the_upgrade_adds_the_type_and_the_record(portal):
    types = api.portal.get_tool("portal_types")
    case = types.getTypeInfo("Case")
    registry = getUtility(IRegistry)
    # A site as it was before the imaging slice.
    types.manage_delObjects([TYPE])
    case.manage_changeProperties(
        allowed_content_types=[t for t in case.allowed_content_types if t != TYPE]
    )
    registry.records[RECORD] = registry.records[RECORD]  # present ...
    del registry.records[RECORD]  # ... then gone
    api.portal.set_registry_record(
        "cpms.collaboration.medical_file_max_size_mb", 7
    )  # a site's own setting, kept
    upgrade(api.portal.get_tool("portal_setup"))
    assert types.getTypeInfo(TYPE).add_view_expr.endswith("@@upload-images")
    assert TYPE in case.allowed_content_types
    assert "MedicalFile" in case.allowed_content_types
    assert api.portal.get_tool("portal_workflow").getChainForPortalType(TYPE) == ()
    assert api.portal.get_registry_record(RECORD) == 1024
    assert (
        api.portal.get_registry_record("cpms.collaboration.medical_file_max_size_mb")
        == 7
    )
