"""Cases are found by their ORPHA, ICD-10 and HPO codes from the catalog's
``case_codes`` index, without waking a case (benchmarks/scale.py: REST case
search by code)."""

import pytest
from plone import api
from plone.restapi.search.handler import SearchHandler

from cpms.cases.case_id import create_case
from cpms.upgrades.v20261202037 import INDEXES
from cpms.upgrades.v20261202037 import upgrade
from tests.helpers.wakeups import WakeUps
from tests.helpers.wakeups import ghosts


@pytest.fixture
def make(portal, case_data):
    def _case(nickname, orpha, icd10, hpo):
        values = dict(
            case_data,
            nickname=nickname,
            orpha_codes=orpha,
            icd10_codes=icd10,
            hpo_terms=hpo,
        )
        with api.env.adopt_roles(["Manager"]):
            return create_case(portal["cases"], **values)

    return _case


def test_cases_found_by_each_kind_of_code(portal, make):
    kidney = make("Pale Kestrel", ["ORPHA:93930"], ["q64.1 "], ["HP:0000252"])
    make("Green Vole", ["ORPHA:1656"], ["N31.9"], ["HP:0001250"])
    catalog = api.portal.get_tool("portal_catalog")

    def found(code):
        return [b.case_nickname for b in catalog(portal_type="Case", case_codes=code)]

    assert found("ORPHA:93930") == ["Pale Kestrel"]
    # ICD-10 codes as the list writes them, whatever was typed.
    assert found("Q64.1") == ["Pale Kestrel"]
    assert found("HP:0000252") == ["Pale Kestrel"]
    both = found(["ORPHA:93930", "ORPHA:1656"])
    assert sorted(both) == ["Green Vole", "Pale Kestrel"]
    # A changed code is found by its new value only.
    kidney.orpha_codes = ["ORPHA:2301"]
    kidney.reindexObject()
    assert found("ORPHA:93930") == []
    assert found("ORPHA:2301") == ["Pale Kestrel"]


def test_rest_search_by_code_wakes_no_case(portal, make, monkeypatch):
    urls = [
        make(f"Bench {n}", ["ORPHA:93930"], ["Q64.1"], ["HP:0000252"]).absolute_url()
        for n in range(5)
    ]
    make("Other", ["ORPHA:1656"], ["N31.9"], ["HP:0001250"])
    ghosts(portal)
    wakeups = WakeUps(monkeypatch)

    # What GET @search?portal_type=Case&case_codes=ORPHA:93930 answers.
    data = SearchHandler(portal, portal.REQUEST).search(
        {"portal_type": "Case", "case_codes": "ORPHA:93930"}
    )

    assert data["items_total"] == 5
    assert sorted(item["@id"] for item in data["items"]) == sorted(urls)
    woken = [name for name in wakeups.loaded if name in ("Case", "ConsentRecord")]
    assert woken == [], f"the search woke {len(woken)} cases: {woken[:5]}"
    # The counter counts: reading a case's field wakes it.
    case = portal.unrestrictedTraverse(urls[0].split("/plone/")[1])
    assert case.nickname == "Bench 0"
    assert "Case" in wakeups.loaded


def test_upgrade_adds_and_fills_the_indexes(portal, make):
    kestrel = make("Pale Kestrel", ["ORPHA:93930"], ["Q64.1"], ["HP:0000252"])
    kestrel.urgent = True
    kestrel.reindexObject()
    catalog = api.portal.get_tool("portal_catalog")
    # A site made before the indexes.
    for name in INDEXES:
        catalog.delIndex(name)
    assert not set(INDEXES) & set(catalog.indexes())
    # ... and the BooleanIndex case_urgent reading no attribute.
    catalog._catalog.getIndex("case_urgent").indexed_attrs = []
    catalog.manage_reindexIndex(ids=["case_urgent"])
    assert len(catalog(portal_type="Case", case_urgent=True)) == 0

    upgrade(api.portal.get_tool("portal_setup"))

    assert {name: catalog.Indexes[name].meta_type for name in INDEXES} == {
        "case_codes": "KeywordIndex",
        "case_panel_opened": "DateIndex",
    }
    brains = catalog(portal_type="Case", case_codes="HP:0000252")
    assert [b.case_nickname for b in brains] == ["Pale Kestrel"]
    assert len(catalog(portal_type="Case", case_urgent=True)) == 1
    # Run twice: nothing changes.
    upgrade(api.portal.get_tool("portal_setup"))
    assert len(catalog(portal_type="Case", case_codes="Q64.1")) == 1
