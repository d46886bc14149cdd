"""Catalog metadata of a case for the network's aggregate figures.

What ``cpms.insights.facts`` reads without waking a case: its expertise area,
the country of its referring centre, its ORPHA and ICD-10 codes. Each is
computed when the case is (re)indexed; the country is the referring centre's
at that moment (a centre does not move country).
"""

from plone import api
from plone.indexer import indexer
from Products.ZCatalog.ZCatalog import ZCatalog

from cpms.cases.content.case import ICase
from cpms.insights.similarity import case_phenotype_codes


@indexer(ICase)
def case_area(case):
    """The expertise area's UID (what the case stores)."""
    return getattr(case, "expertise_area", None) or ""


@indexer(ICase)
def case_country(case):
    """ISO 3166 code of the referring centre's country, '' if unknown."""
    uid = getattr(case, "referring_hcp", None)
    if not uid:
        return ""
    catalog = api.portal.get_tool("portal_catalog")
    # ZCatalog's own search, not CMF's: CMF's first processes the indexing
    # queue, which may index this very case again from inside its indexing,
    # before its path is registered: two records for one path.
    for brain in ZCatalog.searchResults(catalog, UID=uid):
        centre = brain._unrestrictedGetObject()
        return (getattr(centre, "country", None) or "").upper()
    return ""


@indexer(ICase)
def case_orpha_codes(case):
    return tuple(str(code) for code in getattr(case, "orpha_codes", None) or ())


@indexer(ICase)
def case_icd10_codes(case):
    return tuple(
        str(code).strip().upper() for code in getattr(case, "icd10_codes", None) or ()
    )


@indexer(ICase)
def case_phenotype(case):
    """HPO terms, ORPHA codes and ``ICD10:`` codes as one tuple: what
    ``similarity.network()`` reads of every case, once per catalog change."""
    return case_phenotype_codes(case)
