"""Reading the access audit: the data protection officer's and the
coordinators' page and REST (filters, batches, CSV, JSON), a case's "who has
seen this case" for its enrolling clinician, the chain's verification over
REST; the officer reads no case content; guest grants are bounded and
recorded."""

import csv
import io
from datetime import timedelta

import pytest
import requests
import transaction
from plone import api
from pytest_plone.fixtures.requests import RelativeSession

from cpms.cases import states
from cpms.core import auditstore
from cpms.identity import guests
from tests.security.helpers import CLINICAL_SUMMARY
from tests.security.helpers import NICKNAME
from tests.security.helpers import PASSWORD
from tests.security.helpers import build_case
from tests.security.helpers import create_outsiders
from tests.security.helpers import outsider
from tests.security.helpers import userid

KEYS = {"time", "user", "roles", "case", "item", "action", "channel", "outcome"}


@pytest.fixture
def site(functional_portal):
    case = build_case(functional_portal, states.IN_DISCUSSION)
    create_outsiders()
    transaction.commit()
    base = functional_portal.absolute_url()
    case_path = case.absolute_url_path()[len(functional_portal.absolute_url_path()) :]
    return {"portal": functional_portal, "case": case, "base": base, "path": case_path}


def session(site, row, rest=True):
    s = RelativeSession(f"{site['base']}/++api++" if rest else site["base"])
    s.auth = (outsider(row), PASSWORD)
    s.headers["Accept"] = "application/json" if rest else "text/html"
    return s


def test_the_officer_reads_the_audit_and_no_case_content(site):
    case = site["case"]
    session(site, "lead").get(site["path"])
    session(site, "hp_other").get(site["path"])
    dpo = session(site, "dpo")
    answer = dpo.get("/@audit-log", params={"case": case.case_id})
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert items and all(set(item) >= KEYS for item in items)
    assert {i["case"] for i in items} == {case.case_id}
    refused = dpo.get(
        "/@audit-log", params={"case": case.case_id, "outcome": "refused"}
    ).json()["items"]
    assert [i["user"] for i in refused] == [outsider("hp_other")]
    assert refused[0]["roles"] == ["Healthcare Professional", "Member"]
    # The officer's own attempts to read the case are refused, and recorded.
    for path in (site["path"], f"{site['path']}/@audit", f"{site['path']}/@history"):
        answer = dpo.get(path)
        assert answer.status_code in (401, 403), path
        assert NICKNAME not in answer.text and CLINICAL_SUMMARY not in answer.text
    web = session(site, "dpo", rest=False).get(site["path"])
    assert NICKNAME not in web.text and CLINICAL_SUMMARY not in web.text
    mine = dpo.get(
        "/@audit-log", params={"user": outsider("dpo"), "case": case.case_id}
    )
    assert {i["outcome"] for i in mine.json()["items"]} == {"refused"}
    # Nothing of the audit tells what the case holds.
    everything = dpo.get("/@audit-log", params={"b_size": 1000}).text
    assert NICKNAME not in everything and CLINICAL_SUMMARY not in everything


def test_filters_batches_and_errors(site):
    case = site["case"]
    for _ in range(3):
        session(site, "lead").get(site["path"])
    dpo = session(site, "dpo")
    first = dpo.get(
        "/@audit-log",
        params={"case": case.case_id, "user": outsider("lead"), "b_size": 2},
    ).json()
    assert first["items_total"] >= 3
    assert len(first["items"]) == 2
    assert "b_start=2" in first["batching"]["next"]
    second = requests.get(
        first["batching"]["next"],
        auth=(outsider("dpo"), PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    assert {i["id"] for i in second["items"]}.isdisjoint(
        {i["id"] for i in first["items"]}
    )
    today = first["items"][0]["time"][:10]
    assert (
        dpo.get(
            "/@audit-log", params={"since": today, "until": today, "action": "view"}
        ).json()["items_total"]
        >= 3
    )
    assert (
        dpo.get("/@audit-log", params={"until": "2000-01-01"}).json()["items_total"]
        == 0
    )
    bad = dpo.get("/@audit-log", params={"since": "30/11/2026"})
    assert bad.status_code == 400
    assert "since" in bad.text and "YYYY-MM-DD" in bad.text
    bad = dpo.get("/@audit-log", params={"outcome": "maybe"})
    assert bad.status_code == 400 and "outcome" in bad.text


def test_who_may_read_the_audit(site):
    case_log = f"{site['path']}/@audit-log"
    assert session(site, "coordinator").get("/@audit-log").status_code == 200
    for row in ("lead", "member", "hp_other", "helpdesk"):
        assert session(site, row).get("/@audit-log").status_code in (401, 403), row
    for row in ("owner", "coordinator", "dpo"):
        assert session(site, row).get(case_log).status_code == 200, row
    for row in ("lead", "panel_member", "hp_other"):
        assert session(site, row).get(case_log).status_code in (401, 403), row
    assert RelativeSession(f"{site['base']}/++api++").get(case_log).status_code == 401


def test_the_audit_page_and_its_exports(site):
    case = site["case"]
    session(site, "lead").get(site["path"])
    page = session(site, "dpo", rest=False)
    answer = page.get("/@@audit-log", params={"case": case.case_id})
    assert answer.status_code == 200
    assert "Access audit" in answer.text
    assert outsider("lead") in answer.text
    as_csv = page.get("/@@audit-log", params={"case": case.case_id, "format": "csv"})
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows and {r["case"] for r in rows} == {case.case_id}
    assert set(rows[0]) >= KEYS
    as_json = page.get(
        "/@@audit-log", params={"case": case.case_id, "format": "json"}
    ).json()
    assert len(as_json) == len(rows)
    assert {r["id"] for r in as_json} == {int(r["id"]) for r in rows}
    error = page.get("/@@audit-log", params={"until": "tomorrow"})
    assert error.status_code == 400 and "until" in error.text
    # Not for the case's people, nor for Plone's staff.
    for row in ("lead", "editor"):
        refused = session(site, row, rest=False).get(
            "/@@audit-log", allow_redirects=False
        )
        assert refused.status_code in (302, 401, 403), row


def test_who_has_seen_this_case_for_its_enrolling_clinician(site):
    session(site, "lead").get(site["path"])
    session(site, "hp_other").get(site["path"])
    owner = session(site, "owner", rest=False)
    case_page = owner.get(site["path"])
    assert "Who has seen this case" in case_page.text
    page = owner.get(f"{site['path']}/@@who-has-seen")
    assert page.status_code == 200
    assert "Mx-lead" in page.text or outsider("lead") in page.text
    assert outsider("hp_other") in page.text
    assert "Refused" in page.text
    lead = session(site, "lead", rest=False)
    assert "Who has seen this case" not in lead.get(site["path"]).text
    refused = lead.get(f"{site['path']}/@@who-has-seen", allow_redirects=False)
    assert refused.status_code in (302, 401, 403)


def test_verify_over_rest_names_the_edited_record(site):
    dpo = session(site, "dpo")
    assert dpo.get("/@audit-log-verify").json()["ok"] is True
    newest, _ = auditstore.search(size=1)
    target = newest[0]["id"]
    auditstore.execute_raw(
        "UPDATE audit_record SET outcome = 'allowed', user = 'nobody' WHERE id = :i",
        i=target,
    )
    result = dpo.get("/@audit-log-verify").json()
    assert result["ok"] is False
    assert result["id"] == target
    # Put it back, so that the layer's chain verifies again for other tests.
    auditstore.execute_raw(
        "UPDATE audit_record SET outcome = :o, user = :u WHERE id = :i",
        o=newest[0]["outcome"],
        u=newest[0]["user"],
        i=target,
    )
    assert auditstore.verify()["ok"]


def test_guest_grants_are_bounded_and_recorded(site):
    case = site["case"]
    guest = outsider("revoked_guest")
    with api.env.adopt_user(username=userid("coordinator")):
        with pytest.raises(guests.GuestAccessError) as refused:
            guests.grant_guest_access(
                case, guest, until=guests.now() + timedelta(days=200)
            )
        assert refused.value.field == "until"
        assert "180 days" in str(refused.value)
        guests.grant_guest_access(case, guest, until=guests.now() + timedelta(days=30))
        with pytest.raises(guests.GuestAccessError):
            guests.extend_guest_access(case, guest, guests.now() + timedelta(days=181))
        guests.extend_guest_access(case, guest, guests.now() + timedelta(days=179))
        guests.revoke_guest_access(case, guest)
    transaction.commit()
    found, _ = auditstore.search(case_uid=case.UID(), kind="event", newest_first=False)
    actions = [r["action"] for r in found if guest in r["details"]]
    assert actions[-3:] == ["guest_granted", "guest_extended", "guest_revoked"]
    assert all(r["user"] == userid("coordinator") for r in found[-3:])
    # Over REST the refusal names the field and the limit.
    rest = session(site, "coordinator")
    answer = rest.post(
        "/@guests",
        json={
            "case": case.UID(),
            "user": guest,
            "until": (guests.now() + timedelta(days=365)).date().isoformat(),
        },
    )
    assert answer.status_code == 400
    assert "until" in answer.text and "180 days" in answer.text
