"""A data protection officer exports one demo case and erases another,
over REST and through the web page; afterwards a coordinator finds the
erased texts nowhere. The officer reads no case content otherwise."""

import csv
import io
import json
import re
import zipfile

import pytest
import requests
import transaction
from fhir.resources.R4B.bundle import Bundle
from plone import api
from pypdf import PdfReader

from cpms.demo import DEMO_PASSWORD
from tests.privacy.conftest import ensure_demo

DPO = ("dpo-test", "a-long-dpo-password-1")
JSON = {"Accept": "application/json"}
COORDINATOR = ("coordinator", DEMO_PASSWORD)
# Texts of the closed demo case "Quiet Lynx": its nickname, summary,
# contributions, report, and the close comment.
ERASED = (
    "Quiet Lynx",
    "retroperitoneal fibrosis",
    "Mycophenolate has worked",
    "Consider tamoxifen",
    "taper steroids",
    "Review imaging and creatinine",
    "Advice given",
)


@pytest.fixture
def site(demo_functional_portal):
    portal = ensure_demo(demo_functional_portal)
    acl_users = api.portal.get_tool("acl_users")
    if api.user.get(userid=DPO[0]) is None:
        acl_users.userFolderAddUser(DPO[0], DPO[1], ["Member"], [])
        api.user.grant_roles(username=DPO[0], roles=["DataProtectionOfficer"])
    transaction.commit()
    return portal


def _url(site, case_id):
    return site["cases"][case_id].absolute_url()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_dpo_exports_a_case(site):
    url = _url(site, "demo-silver-otter")
    response = requests.get(f"{url}/@export", headers=JSON, auth=DPO, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "case.fhir.json",
        "case.pdf",
        "audit.json",
        "audit.csv",
    } <= names
    bundle = Bundle.model_validate_json(archive.read("case.fhir.json"))
    assert bundle.type == "collection"
    text = _pdf_text(archive.read("case.pdf"))
    assert "Silver Otter" in text
    assert "third repair rarely gave continence" in text  # a contribution
    assert "Consents" in text and "History" in text
    records = json.loads(archive.read("audit.json"))
    assert isinstance(records, list)
    # The same columns as the DPO's @audit-log, a row per record, and the
    # details of each (the first version wrote an always empty "message").
    rows = list(csv.DictReader(io.StringIO(archive.read("audit.csv").decode())))
    assert list(rows[0]) == list(records[0])
    assert list(rows[0])[:3] == ["id", "time", "user"]
    assert len(rows) == len(records) > 0
    assert "message" not in rows[0]
    assert any(row["details"] for row in rows)
    # The export itself is in the case's audit.
    from cpms.core import audit

    transaction.begin()
    actions = [e["action"] for e in audit.entries(site["cases"]["demo-silver-otter"])]
    assert "case_exported" in actions


def test_dpo_reads_no_case_content(site):
    url = _url(site, "demo-silver-otter")
    for path in ("", "/@fhir", "/contribution-lead"):
        response = requests.get(f"{url}{path}", headers=JSON, auth=DPO, timeout=30)
        assert response.status_code == 401, path
    page = requests.get(url, auth=DPO, timeout=30)
    assert "Silver Otter" not in page.text


def test_others_may_not_export_or_erase(site):
    url = _url(site, "demo-silver-otter")
    for who in (COORDINATOR, ("clinician", DEMO_PASSWORD)):
        assert (
            requests.get(
                f"{url}/@export", headers=JSON, auth=who, timeout=30
            ).status_code
            == 401
        )
        response = requests.post(
            f"{url}/@erase",
            headers=JSON,
            json={"reason": "x", "confirm": "x"},
            auth=who,
            timeout=30,
        )
        assert response.status_code == 401


def _readable_by_coordinator(site, case_id) -> str:
    """Everything a coordinator can open about the case, as one text."""
    url = _url(site, case_id)
    session = requests.Session()
    session.auth = COORDINATOR
    parts = [session.get(url, timeout=30).text]
    case_json = session.get(url, headers=JSON, timeout=30).json()
    parts.append(json.dumps(case_json))
    for item in case_json["items"]:
        parts.append(session.get(item["@id"], timeout=30).text)
        parts.append(
            json.dumps(session.get(item["@id"], headers=JSON, timeout=30).json())
        )
    base = site.absolute_url()
    for word in ("Mycophenolate", "tamoxifen", "Lynx", "fibrosis"):
        parts.append(
            json.dumps(
                session.get(
                    f"{base}/@search",
                    params={"SearchableText": word, "metadata_fields": "_all"},
                    headers=JSON,
                    timeout=30,
                ).json()
            )
        )
        parts.append(
            session.get(
                f"{base}/@@search", params={"SearchableText": word}, timeout=30
            ).text
        )
    parts.append(session.get(f"{base}/@@coordinator-dashboard", timeout=30).text)
    parts.append(
        json.dumps(
            session.get(
                f"{base}/@coordinator-dashboard", headers=JSON, timeout=30
            ).json()
        )
    )
    parts.append(session.get(f"{url}/@fhir", headers=JSON, timeout=30).text)
    pdf = session.get(f"{url}/@@report.pdf", timeout=30)
    if pdf.headers.get("Content-Type", "").startswith("application/pdf"):
        parts.append(_pdf_text(pdf.content))
    return "\n".join(parts)


def test_dpo_erases_a_case_over_rest(site, monkeypatch):
    url = _url(site, "demo-quiet-lynx")
    before = _readable_by_coordinator(site, "demo-quiet-lynx")
    for text in ERASED:
        assert text in before, text
    preview = requests.get(f"{url}/@erase", headers=JSON, auth=DPO, timeout=30)
    assert preview.status_code == 200, preview.text
    lost = preview.json()["would_remove"]
    assert lost["texts"] >= 6 and lost["comments"] >= 1
    assert "Quiet Lynx" not in preview.text  # counts, not content
    case_id = site["cases"]["demo-quiet-lynx"].case_id
    refused = requests.post(
        f"{url}/@erase",
        headers=JSON,
        json={"reason": "patient's request"},
        auth=DPO,
        timeout=30,
    )
    assert refused.status_code == 400
    assert refused.json()["message"].startswith("confirm:")
    refused = requests.post(
        f"{url}/@erase", headers=JSON, json={"confirm": case_id}, auth=DPO, timeout=30
    )
    assert refused.json()["message"].startswith("reason:")
    done = requests.post(
        f"{url}/@erase",
        headers=JSON,
        json={"reason": "patient's request of 30 November 2026", "confirm": case_id},
        auth=DPO,
        timeout=60,
    )
    assert done.status_code == 200, done.text
    assert done.json()["texts"] >= 6
    after = _readable_by_coordinator(site, "demo-quiet-lynx")
    for text in ERASED:
        assert text not in after, text
    assert case_id in after  # the tombstone keeps the case id
    # The retention job then packs the database's history (the test layer's
    # DemoStorage cannot pack: what a pack does is tested on a FileStorage
    # in test_erasure.py; here, that the job asks for it).
    packed = []
    monkeypatch.setattr(
        "cpms.privacy.erasure.pack_history", lambda db, until=None: packed.append(db)
    )
    job = requests.post(
        f"{site.absolute_url()}/@retention",
        headers=JSON,
        auth=DPO,
        timeout=120,
    )
    assert job.status_code == 200, job.text
    assert job.json() == {"erased": [], "packed": True}
    assert len(packed) == 1
    again = requests.post(
        f"{site.absolute_url()}/@retention", headers=JSON, auth=DPO, timeout=120
    )
    assert again.json() == {"erased": [], "packed": False}  # nothing new to pack


def _authenticator(html: str) -> str:
    return re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)


def test_dpo_page_exports_and_erases(site):
    page_url = f"{site.absolute_url()}/@@data-requests"
    session = requests.Session()
    session.auth = DPO
    page = session.get(page_url, timeout=30)
    assert page.status_code == 200
    assert "A patient's data requests" in page.text
    token = _authenticator(page.text)
    otter = site["cases"]["demo-silver-otter"].case_id
    lynx = site["cases"]["demo-quiet-lynx"].case_id

    unknown = session.post(
        page_url,
        data={"case_id": "ERN-1999-000000", "export": "1", "_authenticator": token},
        timeout=30,
    )
    assert unknown.status_code == 400
    assert "Case id: no case is known as" in unknown.text

    exported = session.post(
        page_url,
        data={"case_id": otter.lower(), "export": "1", "_authenticator": token},
        timeout=60,
    )
    assert exported.headers["Content-Type"] == "application/zip"
    assert "case.pdf" in zipfile.ZipFile(io.BytesIO(exported.content)).namelist()

    confirm = session.post(
        page_url,
        data={"case_id": lynx, "erase": "1", "_authenticator": token},
        timeout=30,
    )
    assert "This cannot be undone" in confirm.text
    assert "Quiet Lynx" not in confirm.text  # the officer sees counts only
    assert re.search(r"Files: \d+", confirm.text)
    assert re.search(r"Items of the case they are in: \d+<", confirm.text)
    no_reason = session.post(
        page_url,
        data={
            "case_id": lynx,
            "confirm": lynx,
            "erase_confirmed": "1",
            "_authenticator": token,
        },
        timeout=30,
    )
    assert no_reason.status_code == 400
    assert "Reason:" in no_reason.text
    erased = session.post(
        page_url,
        data={
            "case_id": lynx,
            "confirm": lynx,
            "reason": "patient's request",
            "erase_confirmed": "1",
            "_authenticator": token,
        },
        timeout=60,
    )
    assert erased.status_code == 200
    assert f"Case {lynx} is erased" in erased.text
    after = _readable_by_coordinator(site, "demo-quiet-lynx")
    for text in ERASED:
        assert text not in after, text


def test_page_is_the_dpo_s(site):
    response = requests.get(
        f"{site.absolute_url()}/@@data-requests", auth=COORDINATOR, timeout=30
    )
    assert "A patient's data requests" not in response.text
