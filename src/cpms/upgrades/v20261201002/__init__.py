"""Concurrent writes on a site made before they stopped conflicting.

- /cases becomes a ``CasesFolder`` (type Folder still), unordered, with its
  content-rule assignments and the case-number sequences stored (a counter
  of the first version is carried on);
- each case gets its item-name sequences and content-rule assignments, and is
  reindexed for its ``case_roles`` metadata, now (userid, roles) pairs;
- the catalog drops the columns the dashboards no longer read (what they say
  about a case's items comes from the items' records), and the postings of
  its text indexes become trees (cpms.core.textindex).
"""

from plone.contentrules.engine.interfaces import IRuleAssignmentManager

from cpms.cases.content.items import item_sequences
from cpms.cases.setup import setup_cases_folder
from cpms.core.textindex import convert_postings

DROPPED_COLUMNS = ("case_contributors", "case_contribution_count", "case_report_signed")


def upgrade(setup_tool):
    portal = setup_tool.aq_parent
    setup_cases_folder(portal)
    catalog = portal.portal_catalog
    for column in DROPPED_COLUMNS:
        if column in catalog.schema():
            catalog.delColumn(column)
    convert_postings(catalog)
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        case = brain._unrestrictedGetObject()
        IRuleAssignmentManager(case)
        item_sequences(case, create=True)
        case.reindexObject(idxs=["case_people"])
