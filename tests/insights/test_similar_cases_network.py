"""The network of candidate cases behind ``similar_cases``: read from the
catalog, kept until the catalog changes, withdrawn cases left out; and what
``candidate_uids`` hands the contact requests."""

import pytest
import transaction
from plone import api
from Products.CMFCore.indexing import processQueue
from Products.ZCatalog.Catalog import Catalog

from cpms.cases import states
from cpms.core.roles import COORDINATOR
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.core.roles import PANEL_MEMBER
from cpms.identity import guests
from cpms.insights import similarity
from cpms.insights.tokens import token_for
from tests.helpers.cases import make_case
from tests.helpers.network import make_test_network

MICRO = ["HP:0000252", "HP:0001250", "HP:0001263"]  # microcephaly, seizure, delay
KIDNEY = ["HP:0000126", "HP:0000083"]  # hydronephrosis, renal insufficiency


def test_candidates_are_the_similar_cases_withdrawn_left_out(portal):
    net = make_test_network(portal)
    one = make_case(portal, network=net, hpo_terms=MICRO)
    two = make_case(portal, network=net, nickname="Green Finch", hpo_terms=MICRO[:2])
    far = make_case(portal, network=net, nickname="Red Kite", hpo_terms=KIDNEY)
    gone = make_case(portal, network=net, nickname="Snow Owl", hpo_terms=MICRO)
    assert set(similarity.candidate_uids(one)) == {two.UID(), gone.UID()}

    api.content.transition(obj=gone, transition=states.WITHDRAW)
    candidates = similarity.candidate_uids(one)
    assert candidates == [two.UID()]
    assert far.UID() not in candidates and one.UID() not in candidates


def test_the_network_follows_the_catalog(functional_portal):
    portal = functional_portal
    net = make_test_network(portal)
    one = make_case(portal, network=net, hpo_terms=MICRO)
    two = make_case(portal, network=net, nickname="Green Finch", hpo_terms=KIDNEY)
    transaction.commit()
    first = similarity.network()
    assert similarity.network() is first  # kept while the catalog is unchanged
    assert similarity.candidate_uids(one) == []

    two.hpo_terms = MICRO
    two.reindexObject()
    transaction.commit()
    assert similarity.network() is not first
    assert similarity.candidate_uids(one) == [two.UID()]


def test_the_network_reads_indexes_never_a_record(portal, monkeypatch):
    """100,000 catalog records (a dozen dates each) took 20 s to read: the
    network comes from the indexes, with the same profiles as the cases'."""
    net = make_test_network(portal)
    cases = [
        make_case(portal, network=net, hpo_terms=MICRO),
        make_case(
            portal,
            network=net,
            nickname="Green Finch",
            hpo_terms=KIDNEY,
            orpha_codes=["ORPHA:93110"],
            icd10_codes=["q64.2 ", "N31.9"],
        ),
        make_case(portal, network=net, nickname="Red Kite", icd10_codes=["Q64.1"]),
    ]
    gone = make_case(portal, network=net, nickname="Snow Owl", hpo_terms=MICRO)
    api.content.transition(obj=gone, transition=states.WITHDRAW)
    expected = {case.UID(): similarity.Profile.of_case(case) for case in cases}
    assert expected[cases[1].UID()].icd10 == ("N31.9", "Q64.2")
    processQueue()
    similarity._networks.clear()

    def no_record(catalog, rid):
        raise AssertionError("the network read a catalog record")

    monkeypatch.setattr(Catalog, "__getitem__", no_record)
    built = similarity.network()
    assert dict(zip(built.uids, built.profiles, strict=True)) == expected


def test_at_most_twenty_hidden_cases_are_counted(portal):
    acl = api.portal.get_tool("acl_users")
    acl.userFolderAddUser(
        "sim-carla", "similar-2026", ["Member", HEALTHCARE_PROFESSIONAL], []
    )
    net = make_test_network(portal)
    one = make_case(portal, network=net, hpo_terms=MICRO)
    others = [make_case(portal, network=net, hpo_terms=MICRO) for _ in range(24)]
    assert len(similarity.candidate_uids(one)) == 24
    with api.env.adopt_user(username="sim-carla"):
        answer = similarity.similar_cases(one, limit=5)
    assert answer["items"] == []
    assert answer["elsewhere"]["count"] == similarity.ELSEWHERE_MAX == 20
    named = {token_for(one.UID(), case.UID()) for case in others}
    assert set(answer["elsewhere"]["tokens"]) <= named
    assert len(set(answer["elsewhere"]["tokens"])) == 20


@pytest.mark.parametrize(
    ("userid", "global_role", "local"),
    [
        ("sim-outsider", HEALTHCARE_PROFESSIONAL, None),
        ("sim-member", HEALTHCARE_PROFESSIONAL, PANEL_MEMBER),
        ("sim-coordinator", COORDINATOR, None),
        ("sim-guest", HEALTHCARE_PROFESSIONAL, "guest"),
    ],
)
def test_the_cases_shown_are_those_a_catalog_search_finds(
    portal, monkeypatch, userid, global_role, local
):
    """Who may view a similar case is asked of the indexes record by record:
    the same cases as the catalog's own permission-filtered search, and no
    record read but those of the cases shown."""
    acl = api.portal.get_tool("acl_users")
    acl.userFolderAddUser(userid, "similar-2026", ["Member", global_role], [])
    net = make_test_network(portal)
    one = make_case(portal, network=net, hpo_terms=MICRO)
    others = [make_case(portal, network=net, hpo_terms=MICRO) for _ in range(6)]
    if local == PANEL_MEMBER:
        api.user.grant_roles(username=userid, obj=others[1], roles=[PANEL_MEMBER])
        others[1].reindexObjectSecurity()
    elif local == "guest":
        guests.grant_guest_access(others[4], userid)
    processQueue()
    candidates = similarity.candidate_uids(one)
    assert len(candidates) == 6
    catalog = api.portal.get_tool("portal_catalog")
    read = []
    original = Catalog.__getitem__

    def no_search(*args, **kwargs):
        raise AssertionError("similar cases searched the catalog")

    def counted(records, rid):
        read.append(rid)
        return original(records, rid)

    with api.env.adopt_user(username=userid):
        expected = {b.UID for b in catalog(UID=candidates, portal_type="Case")}
        monkeypatch.setattr(Catalog, "__getitem__", counted)
        # A search would union the user's postings over every case.
        monkeypatch.setattr(Catalog, "search", no_search)
        answer = similarity.similar_cases(one, limit=10)
    shown = [item["uid"] for item in answer["items"]]
    assert set(shown) == expected
    assert shown == [uid for uid in candidates if uid in expected]
    assert answer["elsewhere"]["count"] == 6 - len(expected)
    assert len(read) == len(shown)
    if local:
        assert expected, "a case of the user's panel must be shown"
