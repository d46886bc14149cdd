"""ORPHA from Orphanet's own list on a site made before it.

A case's full text (``SearchableText``, ``cpms.cases.indexers.case_text``)
holds the names of its ORPHAcodes. Orphanet's list names some diseases
differently from the HPO annotations the old list came from (ORPHA:93930 is
"Classic bladder exstrophy", not "Bladder exstrophy"), so the cases with
ORPHAcodes get that index rewritten; nothing else is touched. Retired codes
already stored stay on their cases (their names still show; a new save asks
for the replacement).
"""

from plone import api


def upgrade(setup_tool=None):
    catalog = api.portal.get_tool("portal_catalog")
    count = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        case = brain._unrestrictedGetObject()
        if getattr(case, "orpha_codes", None):
            catalog.catalog_object(case, idxs=["SearchableText"], update_metadata=0)
            count += 1
    return count
