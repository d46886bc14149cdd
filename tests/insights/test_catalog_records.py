"""One catalog record per case.

The indexers of a case run while Plone's indexing queue is being processed
(at commit, or before a search). An indexer that searched the catalog the
CMF way processed the queue again from inside, and the case being indexed
was catalogued twice under one path: searches then found it twice, one of
the records with stale security that hid it from its own people.
"""

import transaction
from plone import api

from tests.helpers.cases import CODED
from tests.helpers.cases import make_case
from tests.helpers.network import make_test_network


def test_cases_made_in_one_transaction_have_one_record_each(functional_portal):
    network = make_test_network(functional_portal)
    made = [
        make_case(functional_portal, network=network, nickname=name, **CODED)
        for name in ("Blue Heron", "Silver Otter", "Quiet Lynx")
    ]
    transaction.commit()
    catalog = api.portal.get_tool("portal_catalog")
    records = catalog._catalog
    assert len(records.paths) == len(records.uids)
    for case in made:
        path = "/".join(case.getPhysicalPath())
        found = catalog.unrestrictedSearchResults(path={"query": path, "depth": 0})
        assert [brain.getPath() for brain in found] == [path]
        assert len(catalog.unrestrictedSearchResults(UID=case.UID())) == 1
    # The centre's country is still read for the statistics.
    brain = catalog.unrestrictedSearchResults(UID=made[-1].UID())[0]
    assert brain.case_country == (network[1].country or "").upper()
