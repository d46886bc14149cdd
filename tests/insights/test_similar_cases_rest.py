"""``@similar-cases`` and ``@diagnosis-suggestions`` over REST on a small
site: siblings first, only cases the clinician may view, the others as a
count and tokens (different from each asking case), nothing of a hidden case
in the answer, 400 for a bad limit, each call in the case's audit trail."""

import numpy as np
import pytest
import transaction
from plone import api
from pytest_plone.fixtures.requests import RelativeSession

from cpms.core import audit
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.insights.similarity import data
from cpms.insights.tokens import token_for
from tests.helpers.cases import make_case
from tests.helpers.network import make_test_network

PASSWORD = "similar-secret-2026"
ALICE, BORIS = "sim-alice", "sim-boris"
# Two ORPHA diseases with plenty of annotated terms, far apart.
DISEASE_X, DISEASE_Y = "ORPHA:2322", "ORPHA:79452"


def profile(disease, first, count=8):
    """``count`` of the disease's most frequent annotated terms from ``first``:
    cases of the same disease share most of their terms, as patients do."""
    hpo = data()
    position = hpo.disease_position[disease]
    start, end = hpo.dis_ptr[position], hpo.dis_ptr[position + 1]
    terms = hpo.dis_idx[start:end]
    order = np.argsort(-np.nan_to_num(hpo.dis_freq[start:end], nan=0.5), kind="stable")
    return [hpo.code(t) for t in terms[order][first : first + count].tolist()]


@pytest.fixture
def site(functional_portal):
    portal = functional_portal
    acl = api.portal.get_tool("acl_users")
    for userid in (ALICE, BORIS):
        acl.userFolderAddUser(userid, PASSWORD, ["Member", HEALTHCARE_PROFESSIONAL], [])
    net = make_test_network(portal)
    cases = {}
    plan = [
        ("x1", ALICE, DISEASE_X, 0, "Blue Heron"),
        ("x2", ALICE, DISEASE_X, 1, "Green Finch"),
        ("y1", ALICE, DISEASE_Y, 0, "Red Kite"),
        ("x3", BORIS, DISEASE_X, 2, "Snow Owl"),
    ]
    for key, owner, disease, seed, nickname in plan:
        case = make_case(
            portal, network=net, nickname=nickname, hpo_terms=profile(disease, seed)
        )
        api.user.grant_roles(username=owner, obj=case, roles=["Owner"])
        case.reindexObjectSecurity()
        cases[key] = case
    transaction.commit()
    return {"portal": portal, "cases": cases}


def session(site, userid):
    s = RelativeSession(f"{site['portal'].absolute_url()}/++api++")
    s.auth = (userid, PASSWORD)
    s.headers["Accept"] = "application/json"
    return s


def path(site, key):
    case = site["cases"][key]
    return case.absolute_url_path()[len(site["portal"].absolute_url_path()) :]


def test_siblings_first_and_hidden_cases_only_counted(site):
    cases = site["cases"]
    answer = session(site, ALICE).get(f"{path(site, 'x1')}/@similar-cases")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    ids = [item["case_id"] for item in body["items"]]
    assert ids[:1] == [cases["x2"].case_id], body
    assert cases["x1"].case_id not in ids
    first = body["items"][0]
    assert 0 < first["score"] <= 1
    assert first["url"] == cases["x2"].absolute_url()
    assert first["shared_hpo"] and all(t["title"] for t in first["shared_hpo"])
    # Boris's case of the same disease: counted, named by a token only.
    assert body["elsewhere"]["count"] == 1
    assert body["elsewhere"]["tokens"] == [
        token_for(cases["x1"].UID(), cases["x3"].UID())
    ]
    hidden = cases["x3"]
    for word in (hidden.case_id, hidden.UID(), hidden.nickname, hidden.getId()):
        assert word not in answer.text
    assert body["method"]


def test_tokens_differ_per_asking_case(site):
    alice = session(site, ALICE)
    one = alice.get(f"{path(site, 'x1')}/@similar-cases").json()["elsewhere"]["tokens"]
    two = alice.get(f"{path(site, 'x2')}/@similar-cases").json()["elsewhere"]["tokens"]
    assert len(one) == len(two) == 1
    assert one != two


def test_the_other_clinician_sees_alices_cases_only_as_a_count(site):
    body = session(site, BORIS).get(f"{path(site, 'x3')}/@similar-cases").json()
    assert body["items"] == []
    assert body["elsewhere"]["count"] == 2


@pytest.mark.parametrize("limit", ["0", "51", "abc", "-3"])
def test_bad_limit_is_a_400_naming_it(site, limit):
    for service in ("@similar-cases", "@diagnosis-suggestions"):
        answer = session(site, ALICE).get(
            f"{path(site, 'x1')}/{service}", params={"limit": limit}
        )
        assert answer.status_code == 400
        assert answer.json()["type"] == "BadRequest"
        message = answer.json()["message"]
        # Not digits: the portal's boundary refuses it first (core/boundary.py).
        if limit.isdigit():
            assert message == (
                f"limit: give a whole number from 1 to 50 (got '{limit}')."
            )
        else:
            assert message == f"limit: a whole number from 0, not '{limit}'."


def test_a_case_one_may_not_view_has_no_similar_cases(site):
    answer = session(site, BORIS).get(f"{path(site, 'x1')}/@similar-cases")
    assert answer.status_code in (401, 403)


def test_diagnosis_suggestions_put_the_disease_first(site):
    answer = session(site, ALICE).get(
        f"{path(site, 'x1')}/@diagnosis-suggestions", params={"limit": 5}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert len(body["items"]) <= 5
    codes = [item["code"] for item in body["items"]]
    assert DISEASE_X in codes, codes
    top = body["items"][codes.index(DISEASE_X)]
    assert top["title"] and top["matching"]
    assert set(top["matching"][0]) == {"code", "title"}
    assert "not a diagnosis" in body["notice"]


def test_each_call_is_in_the_audit_trail(site):
    alice = session(site, ALICE)
    alice.get(f"{path(site, 'x1')}/@similar-cases")
    alice.get(f"{path(site, 'x1')}/@diagnosis-suggestions")
    entries = audit.entries(site["cases"]["x1"])
    actions = [(e["action"], e["actor"]) for e in entries]
    assert ("similar_cases_viewed", ALICE) in actions
    assert ("diagnosis_suggestions_viewed", ALICE) in actions
