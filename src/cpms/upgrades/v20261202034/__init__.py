"""The Researcher role and the statistics on a site made before them.

- the catalog columns the statistics read (``case_area``, ``case_country``,
  ``case_orpha_codes``, ``case_icd10_codes``), filled for every case;
- the Researcher role (site-wide, assignable in the users and groups
  screens) and ``cpms: View statistics`` for it, coordinators and managers;
- the "Statistics" link of the personal menu (actions.xml, imported again:
  actions are objects by name, the others stay as they are);
- the threshold below which no count is shown
  (``cpms.insights.min_cell_count``), where missing: a value an
  administrator set is kept.
"""

from plone.registry import Record
from plone.registry import field
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

from cpms import _
from cpms.core import permissions
from cpms.core import roles

COLUMNS = ("case_area", "case_country", "case_orpha_codes", "case_icd10_codes")
THRESHOLD = "cpms.insights.min_cell_count"


def add_role(portal):
    role = roles.RESEARCHER
    if role not in portal.valid_roles():
        portal._addRole(role)
    manager = portal.acl_users.portal_role_manager
    if role not in manager.listRoleIds():
        manager.addRole(role, roles.RESEARCHER_TITLE)
    portal.manage_permission(
        permissions.VIEW_STATISTICS,
        roles=[roles.MANAGER, roles.COORDINATOR, role],
        acquire=True,
    )


def add_setting():
    registry = getUtility(IRegistry)
    if THRESHOLD not in registry.records:
        registry.records[THRESHOLD] = Record(
            field.Int(title=_("Smallest count shown in the statistics"), min=2), 5
        )


def add_columns(portal) -> int:
    """Add the columns and fill them for every case; the number of cases."""
    catalog = portal.portal_catalog
    for column in COLUMNS:
        if column not in catalog.schema():
            catalog.addColumn(column)
    brains = catalog.unrestrictedSearchResults(portal_type="Case")
    for brain in brains:
        case = brain._unrestrictedGetObject()
        # Metadata only: an index named after a column would be rebuilt for
        # nothing; "getId" is cheap and refreshes the whole record.
        catalog.reindexObject(case, idxs=["getId"], update_metadata=True)
    return len(brains)


def upgrade(setup_tool):
    portal = setup_tool.aq_parent
    add_role(portal)
    setup_tool.runImportStepFromProfile("profile-cpms:default", "actions")
    add_setting()
    add_columns(portal)
