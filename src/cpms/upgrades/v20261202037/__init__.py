"""Indexes that keep searches and dashboards fast with many cases, on a site
made before them:

- ``case_codes`` (KeywordIndex): the ORPHA, ICD-10 and HPO codes of a case
  (``cpms.cases.indexers.case_codes``), for a search by code;
- ``case_panel_opened`` (DateIndex, already a metadata column): the
  coordinator dashboard sorts open panels by it and reads only the rows it
  shows.

``case_urgent`` (BooleanIndex) was declared with a property BooleanIndex
does not know, so it read no attribute and held no case: it is given its
attribute and filled (the dashboards put urgent cases first by it).

Each is added where it is missing and filled for the cases there are: only
these indexes are computed, not the whole record of each case (a case is
woken once; its other indexes and metadata stay as they are).
"""

from plone import api

INDEX = "case_codes"
INDEXES = {INDEX: "KeywordIndex", "case_panel_opened": "DateIndex"}


class _Extra:
    def __init__(self, name):
        self.indexed_attrs = [name]
        self.index_naive_time_as_local = True


def upgrade(setup_tool):
    catalog = api.portal.get_tool("portal_catalog")
    added = [name for name in INDEXES if name not in catalog.indexes()]
    for name in added:
        catalog.addIndex(name, INDEXES[name], _Extra(name))
    urgent = catalog._catalog.getIndex("case_urgent")
    if not urgent.getIndexSourceNames():
        urgent.indexed_attrs = ["case_urgent"]
        added.append("case_urgent")
    if not added:
        return
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        catalog.catalog_object(
            brain._unrestrictedGetObject(),
            brain.getPath(),
            idxs=added,
            update_metadata=0,
        )
