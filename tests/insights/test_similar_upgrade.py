"""Upgrade step 20261202032 on a site made before similar cases: the catalog
column ``case_phenotype`` is added and every case's record carries its terms
and codes, so that similar cases find the cases that existed before."""

from plone import api

from cpms.upgrades.v20261202032 import COLUMN
from cpms.upgrades.v20261202032 import upgrade
from tests.helpers.cases import CODED
from tests.helpers.cases import make_case


def test_the_column_is_added_and_filled(portal):
    case = make_case(portal, **CODED)
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delColumn(COLUMN)  # as on a site made before the step
    assert COLUMN not in catalog.schema()

    assert upgrade(api.portal.get_tool("portal_setup")) == 1

    assert COLUMN in catalog.schema()
    (brain,) = catalog.unrestrictedSearchResults(UID=case.UID())
    assert brain.case_phenotype == ("HP:0000252", "ORPHA:93930", "ICD10:Q64.1")


def test_running_it_again_changes_nothing(portal):
    make_case(portal, **CODED)
    catalog = api.portal.get_tool("portal_catalog")
    columns = list(catalog.schema())
    upgrade(api.portal.get_tool("portal_setup"))
    assert list(catalog.schema()) == columns
