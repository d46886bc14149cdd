"""Similar cases on a site made before them: the catalog column
``case_phenotype`` (each case's HPO terms, ORPHA and ICD-10 codes, read by
``cpms.insights.similarity.network()``) is added and every case's record
gets it. Only metadata and the cheap UID index are rewritten, not the text
index."""

from plone import api

COLUMN = "case_phenotype"


def upgrade(setup_tool=None):
    catalog = api.portal.get_tool("portal_catalog")
    if COLUMN not in catalog.schema():
        catalog.addColumn(COLUMN)
    count = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        case = brain._unrestrictedGetObject()
        catalog.catalog_object(case, idxs=["UID"], update_metadata=1)
        count += 1
    return count
