"""Upgrade step 20261202031: cases coded before Orphanet's list are found by
the diseases' current names."""

from plone import api

from cpms.upgrades.v20261202031 import upgrade
from tests.helpers.cases import CODED
from tests.helpers.cases import make_case


def found(text):
    catalog = api.portal.get_tool("portal_catalog")
    return [
        b.getPath()
        for b in catalog.unrestrictedSearchResults(
            portal_type="Case", SearchableText=text
        )
    ]


def test_upgrade_rewrites_the_full_text_of_coded_cases(portal):
    coded = make_case(portal, **CODED)  # ORPHA:93930
    plain = make_case(portal, nickname="Grey Wren")
    path = "/".join(coded.getPhysicalPath())
    # As on a site indexed with the old list: the full text knew another name.
    catalog = api.portal.get_tool("portal_catalog")
    rid = catalog.getrid(path)
    catalog._catalog.getIndex("SearchableText").index_object(
        rid, type("Old", (), {"SearchableText": lambda self: "Blue Heron"})()
    )
    assert found("Classic bladder exstrophy") == []

    assert upgrade(api.portal.get_tool("portal_setup")) == 1

    assert found("Classic bladder exstrophy") == [path]
    assert found("Grey Wren") == ["/".join(plain.getPhysicalPath())]
