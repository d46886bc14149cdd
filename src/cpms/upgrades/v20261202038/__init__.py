"""The ``case_waiting_on`` index (KeywordIndex: the users a case waits on),
by which My cases counts and orders a user's cases, on a site made before it.

It is filled from what the catalog already holds, waking no case: each
case's state and people (``review_state``, ``case_roles`` metadata) and what
its items' own records say (``dashboard.item_facts``, only for open panels),
through the same rules as the index's indexer (``dashboard.waiting_userids``).
On a site of 100,000 cases, waking each case (and its contributions) to
compute it would take far longer than reading their records.
"""

from plone import api

from cpms.cases import states
from cpms.collaboration.dashboard import ItemFacts
from cpms.collaboration.dashboard import item_facts
from cpms.collaboration.dashboard import waiting_userids

INDEX = "case_waiting_on"
CHUNK = 1000  # cases whose items are asked for in one catalog query


class _Extra:
    indexed_attrs = [INDEX]


class _Values:
    """What the index reads for one case (its ``indexed_attrs``)."""

    def __init__(self, userids):
        self.case_waiting_on = userids


def upgrade(setup_tool):
    catalog = api.portal.get_tool("portal_catalog")
    if INDEX in catalog.indexes():
        return
    catalog.addIndex(INDEX, "KeywordIndex", _Extra())
    index = catalog._catalog.getIndex(INDEX)
    brains = list(catalog.unrestrictedSearchResults(portal_type="Case"))
    for start in range(0, len(brains), CHUNK):
        chunk = brains[start : start + CHUNK]
        facts = item_facts([b for b in chunk if b.review_state == states.IN_DISCUSSION])
        for brain in chunk:
            found = facts.get(brain.getPath()) or ItemFacts()
            userids = waiting_userids(brain.review_state, brain.case_roles, found)
            if userids:
                index.index_object(brain.getRID(), _Values(userids))
