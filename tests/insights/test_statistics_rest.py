"""``GET @statistics``, the ``@@statistics`` page and their CSV, over HTTP:
who may read them, what they answer, their 400s; the researcher reads no
case, referral or access request."""

import csv
import io
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import transaction
from plone import api
from pytest_plone.fixtures.requests import RelativeSession

from cpms.cases import states
from cpms.identity.access_requests import create_access_request
from cpms.referrals.actions import create_referral
from tests.insights.test_statistics_facts import make_case
from tests.insights.test_statistics_facts import make_network
from tests.referrals.test_workflow import FIELDS as REFERRAL

PASSWORD = "statistics-secret-2026"
REFERRAL_SECRET = "Girl, 4 years, Quokkafield syndrome suspected."
REQUEST_SECRET = "Paediatric nephrologist at Vienna, Wombatgrove unit."
USERS = {
    "researcher": ("Member", "Researcher"),
    "coordinator": ("Member", "Coordinator"),
    "clinician": ("Member", "Healthcare Professional"),
    "dpo": ("Member", "DataProtectionOfficer"),
}


@pytest.fixture
def site(functional_portal):
    portal = functional_portal
    net = make_network(portal)
    submitted = datetime(2026, 1, 5, tzinfo=UTC)
    made = []
    # Kidney: 6 closed cases from Vienna; bladder: 2 drafts from Leiden.
    for n in range(6):
        made.append(
            make_case(
                portal,
                net,
                state=states.CLOSED,
                orpha=("ORPHA:93110",),
                icd10=("Q64.2",),
                created=submitted - timedelta(days=2),
                submitted=submitted,
                panel_opened=submitted + timedelta(days=7 + n),
                closed=submitted + timedelta(days=30 + n),
            )
        )
    for _ in range(2):
        made.append(
            make_case(
                portal,
                net,
                area="bladder",
                centre="leiden",
                created=datetime(2026, 2, 1, tzinfo=UTC),
            )
        )
    acl_users = api.portal.get_tool("acl_users")
    for name, roles in USERS.items():
        acl_users.userFolderAddUser(f"st-{name}", PASSWORD, list(roles), [])
    # A referral from outside the network and a clinician's access request:
    # coordinators see them, the researcher must not.
    referral = create_referral({**REFERRAL, "summary": REFERRAL_SECRET})
    request = create_access_request(
        {
            "healthcare_provider": net["vienna"].UID(),
            "profile": "healthcare-professional",
            "justification": REQUEST_SECRET,
        },
        userid="st-clinician",
    )
    transaction.commit()
    return {
        "url": portal.absolute_url(),
        "cases": made,
        "net": net,
        "referral": referral,
        "request": request,
    }


def session(site, who, rest=True):
    s = RelativeSession(f"{site['url']}/++api++" if rest else site["url"])
    if who:
        s.auth = (f"st-{who}", PASSWORD)
    s.headers["Accept"] = "application/json" if rest else "text/html"
    return s


def test_researchers_and_coordinators_read_the_statistics(site):
    for who in ("researcher", "coordinator"):
        answer = session(site, who).get("/@statistics")
        assert answer.status_code == 200, who
        data = answer.json()
        assert data["@id"] == f"{site['url']}/@statistics"
        assert data["cases"] == {"count": 8, "suppressed": False}
        areas = {r["key"]: r for r in data["tables"]["area"]["rows"]}
        # Kidney 6, bladder 2: the 2 hidden, and the 6 with it.
        assert areas["bladder"] == {
            "key": "bladder",
            "label": "Bladder",
            "count": None,
            "suppressed": True,
        }
        assert areas["kidney"]["count"] is None
        closure = data["durations"]["time_to_closure"]["rows"][0]
        assert closure["key"] == "all" and closure["count"] == 6
        assert closure["median_days"] == 32.5


@pytest.mark.parametrize("who", [None, "clinician", "dpo"])
def test_others_may_not(site, who):
    assert session(site, who).get("/@statistics").status_code == 401
    page = session(site, who, rest=False).get("/@@statistics")
    refused = page.status_code in (401, 403) or any(
        word in page.url for word in ("login", "insufficient-privileges")
    )
    assert refused, (page.status_code, page.url)
    assert "Statistics of the network" not in page.text


@pytest.mark.parametrize(
    "params,field",
    [
        ({"year": "last"}, "year"),
        ({"area": "lungs"}, "area"),
        ({"format": "xlsx"}, "format"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(site, params, field):
    answer = session(site, "researcher").get("/@statistics", params=params)
    assert answer.status_code == 400
    assert answer.json()["type"] == "BadRequest"
    assert answer.json()["message"].startswith(f"{field}: ")
    page = session(site, "researcher", rest=False).get("/@@statistics", params=params)
    if field != "format":
        assert page.status_code == 400
        assert f"{field}: " in page.text


def test_filters_over_rest(site):
    s = session(site, "researcher")
    data = s.get("/@statistics", params={"area": "kidney", "year": "2026"}).json()
    assert data["filters"] == {"year": 2026, "area": "kidney"}
    assert data["cases"]["count"] == 6
    assert {r["key"]: r["count"] for r in data["tables"]["state"]["rows"]} == {
        states.CLOSED: 6
    }


def test_csv_from_rest_and_page(site):
    s = session(site, "researcher")
    answer = s.get("/@statistics", params={"format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["table", "key", "label", "count"]
    assert ["area", "bladder", "Bladder", "<5"] in rows
    assert ["cases", "all", "", "8"] in rows
    page = session(site, "researcher", rest=False).get("/@@statistics.csv")
    assert page.status_code == 200
    assert list(csv.reader(io.StringIO(page.text))) == rows
    same = session(site, "researcher", rest=False).get(
        "/@@statistics", params={"format": "csv"}
    )
    assert list(csv.reader(io.StringIO(same.text))) == rows


def test_the_page_shows_charts_tables_and_no_small_count(site):
    page = session(site, "researcher", rest=False).get("/@@statistics")
    assert page.status_code == 200
    text = page.text
    assert "Statistics of the network" in text
    # The HTML parser gives SVG attributes their case back (viewBox).
    assert text.count("<svg") >= 7 and "viewbox" in text.lower()
    assert "fewer than 5" in text
    assert "Cases by expertise area" in text
    assert "@@statistics.csv" in text
    # The personal menu and the front page lead the researcher here.
    home = session(site, "researcher", rest=False).get("/")
    assert f"{site['url']}/@@statistics" in home.text


def _rel(site, obj):
    return obj.absolute_url()[len(site["url"]) :]


def test_the_researcher_sees_no_case_referral_or_access_request(site):
    kinds = ("Case", "Contribution", "Referral", "AccessRequest", "Meeting")
    # The coordinator finds them (so the search below can fail).
    coordinator = session(site, "coordinator")
    for kind in ("Case", "Referral", "AccessRequest"):
        found = coordinator.get("/@search", params={"portal_type": kind}).json()
        assert found["items_total"] >= 1, kind
    s = session(site, "researcher")
    for kind in kinds:
        found = s.get("/@search", params={"portal_type": kind}).json()
        assert found["items_total"] == 0, kind
    secrets = [REFERRAL_SECRET, REQUEST_SECRET, *(c.case_id for c in site["cases"])]
    web = session(site, "researcher", rest=False)
    paths = [
        _rel(site, site["cases"][0]),
        _rel(site, site["referral"]),
        _rel(site, site["request"]),
        "/cases",
        "/referrals",
        "/access-requests",
        "/@@my-cases",
        "/@@access-requests-queue",
    ]
    for path in paths:
        for client in (s, web):
            answer = client.get(path)
            text = answer.text.lower()
            assert not [x for x in secrets if x.lower() in text], path
    for obj in (site["cases"][0], site["referral"], site["request"]):
        assert s.get(_rel(site, obj)).status_code in (401, 403, 404)
    for query in ("Quokkafield", "Wombatgrove"):
        found = s.get("/@search", params={"SearchableText": query}).json()
        assert found["items_total"] == 0, query
    # The member list: only themselves.
    users = s.get("/@users")
    assert users.status_code == 401 or [u["id"] for u in users.json()] == [
        "st-researcher"
    ]
