"""Search by code on a site made before the ``case_codes`` index.

Adds the KeywordIndex ``case_codes`` (ORPHA, ICD-10 and HPO codes of a case,
``cpms.cases.indexers.case_codes``) where it is missing and fills it for the
cases there are: only this index is computed, not the whole record of each
case (a case is woken once; its other indexes and metadata stay as they are).
"""

from plone import api

INDEX = "case_codes"


class _Extra:
    indexed_attrs = [INDEX]


def upgrade(setup_tool):
    catalog = api.portal.get_tool("portal_catalog")
    if INDEX not in catalog.indexes():
        catalog.addIndex(INDEX, "KeywordIndex", _Extra())
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        catalog.catalog_object(
            brain._unrestrictedGetObject(),
            brain.getPath(),
            idxs=[INDEX],
            update_metadata=0,
        )
