"""The data subject's rights on a site made before them.

- the site-wide permissions ``cpms: Export case data`` and ``cpms: Erase
  case data`` for the data protection officer (rolemap.xml);
- the case workflow grants ``cpms: Withdraw Consent`` in closed, archived and
  withdrawn cases too: its definition is imported again and the cases in
  those states get the new mapping;
- the retention settings (registry/retention.xml) are added where they are
  missing; values an administrator set are kept (importing the registry
  profile again would reset every setting of the site).
"""

from plone import api
from plone.registry import Record
from plone.registry import field
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

from cpms import _
from cpms.cases import states

PROFILE = "profile-cpms:default"
RECORDS = {
    "cpms.privacy.retention_years_after_closure": (
        field.Int(
            title=_("Erase a case this many years after it was closed or withdrawn"),
            min=0,
            required=False,
        ),
        10,
    ),
    "cpms.privacy.erase_after_care_withdrawal_days": (
        field.Int(
            title=_("Erase a case this many days after its care consent was withdrawn"),
            min=0,
            max=30,
            required=False,
        ),
        30,
    ),
    "cpms.privacy.pack_after_erasure": (
        field.Bool(title=_("Pack the database after an erasure"), required=False),
        True,
    ),
}
UPDATED_STATES = (states.CLOSED, states.ARCHIVED, states.WITHDRAWN)


def upgrade(setup_tool):
    setup_tool.runImportStepFromProfile(PROFILE, "rolemap")
    setup_tool.runImportStepFromProfile(PROFILE, "workflow")
    registry = getUtility(IRegistry)
    for name, (record_field, value) in RECORDS.items():
        if name not in registry.records:
            registry.records[name] = Record(record_field, value)
    workflow_tool = api.portal.get_tool("portal_workflow")
    workflow = workflow_tool.getWorkflowById(states.CASE_WORKFLOW_ID)
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Case", review_state=UPDATED_STATES
    ):
        workflow.updateRoleMappingsFor(brain._unrestrictedGetObject())
