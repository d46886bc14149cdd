"""Cases over plone.restapi: create, read, edit; bad input gets a 400 that
names the field."""

import re
from datetime import date

import pytest
import transaction

from tests.helpers.network import make_test_network


@pytest.fixture
def rest_network(functional_portal):
    portal = functional_portal
    area, hcp = make_test_network(portal)
    transaction.commit()
    return {"area": area.getId(), "hcp": hcp.getId(), "hcp_uid": hcp.UID()}


@pytest.fixture
def body(rest_network):
    return {
        "@type": "Case",
        "nickname": "Blue Heron",
        "sex": "female",
        "year_of_birth": 2019,
        "referring_hcp": rest_network["hcp"],
        "referring_clinician": "admin",
        "expertise_area": rest_network["area"],
        "clinical_summary": "Recurrent urinary tract infections since infancy.",
        "clinical_question": "Is surgery indicated now or later?",
        "orpha_codes": ["ORPHA:93930"],
        "icd10_codes": ["Q64.1"],
        "hpo_terms": ["HP:0000252"],
    }


def test_create_case(manager_request, body):
    response = manager_request.post("/cases", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert re.match(r"^ERN-\d{4}-\d{6}$", data["case_id"])
    assert data["title"] == data["case_id"]
    assert data["id"] == data["case_id"].lower()
    assert data["hpo_terms"] == [
        {"token": "HP:0000252", "title": "Microcephaly (HP:0000252)"}
    ]
    assert data["orpha_codes"][0]["title"] == "Bladder exstrophy (ORPHA:93930)"
    assert data["sex"] == {"token": "female", "title": "Female"}


def test_references_by_id_or_uid(manager_request, body, rest_network):
    data = manager_request.post("/cases", json=body).json()
    assert data["referring_hcp"] == {
        "token": "test-university-hospital",
        "title": "Test University Hospital (Graz, Austria)",
    }
    body["referring_hcp"] = rest_network["hcp_uid"]
    data = manager_request.post("/cases", json=body).json()
    assert data["referring_hcp"]["token"] == "test-university-hospital"


def test_case_id_cannot_be_set(manager_request, body):
    body["case_id"] = "ERN-1999-000001"
    body["title"] = "Jane Doe"
    data = manager_request.post("/cases", json=body).json()
    assert data["case_id"] != "ERN-1999-000001"
    assert "Jane" not in data["title"] and "jane" not in data["id"]


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("nickname", "jane.doe@example.org", "Nickname: this looks like an e-mail"),
        ("nickname", "Patient 0612345678", "Nickname: this looks like a long number"),
        ("year_of_birth", 2999, "Year of birth: 2999 is in the future"),
        ("year_of_birth", 1800, "Year of birth: 1800 is not plausible"),
        ("icd10_codes", ["Q64,1"], "ICD-10 codes: 'Q64,1' is not an ICD-10 code"),
        ("hpo_terms", ["HP:9999999"], "Phenotype (HPO terms): 'HP:9999999' is not one"),
        ("orpha_codes", ["ORPHA:0"], "Diagnosis (ORPHAcodes): 'ORPHA:0' is not one"),
        ("sex", "x", "Sex: 'x' is not one of the allowed values"),
        ("clinical_summary", "Call 0049 30 1234 5678", "Clinical summary: this looks"),
    ],
)
def test_bad_field_gets_400_naming_it(manager_request, body, field, value, words):
    before = manager_request.get("/cases").json()["items_total"]
    body[field] = value
    response = manager_request.post("/cases", json=body)
    assert response.status_code == 400, response.text
    errors = response.json()["message"]
    assert field in errors
    assert words in errors
    # nothing was created
    assert manager_request.get("/cases").json()["items_total"] == before


def test_missing_required_field_named(manager_request, body):
    del body["clinical_question"]
    response = manager_request.post("/cases", json=body)
    assert response.status_code == 400
    assert "clinical_question" in response.json()["message"]


def test_year_or_age_band_invariant_over_rest(manager_request, body):
    del body["year_of_birth"]
    response = manager_request.post("/cases", json=body)
    assert response.status_code == 400
    assert "Year of birth or age band" in response.json()["message"]
    body["age_band"] = "2-11y"
    assert manager_request.post("/cases", json=body).status_code == 201


def test_edit_with_bad_value_keeps_case(manager_request, body):
    url = manager_request.post("/cases", json=body).json()["@id"]
    path = url.split("++api++")[-1]
    response = manager_request.patch(path, json={"year_of_birth": 2999})
    assert response.status_code == 400
    assert "Year of birth" in response.json()["message"]
    assert manager_request.get(path).json()["year_of_birth"] == 2019
    response = manager_request.patch(path, json={"year_of_birth": None})
    assert response.status_code == 400
    assert "Year of birth or age band" in response.json()["message"]
    response = manager_request.patch(path, json={"hpo_terms": ["HP:0000047"]})
    assert response.status_code == 204
    assert manager_request.get(path).json()["hpo_terms"][0]["token"] == "HP:0000047"


def test_vocabulary_search_over_rest(manager_request):
    response = manager_request.get(
        "/@vocabularies/cpms.vocabularies.hpo_terms", params={"title": "microcephaly"}
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0] == {"token": "HP:0000252", "title": "Microcephaly (HP:0000252)"}
    # a synonym (not in the title) still finds the term
    response = manager_request.get(
        "/@vocabularies/cpms.vocabularies.hpo_terms", params={"title": "small head"}
    )
    assert "HP:0000252" in [i["token"] for i in response.json()["items"]]
    response = manager_request.get(
        "/@vocabularies/cpms.vocabularies.orpha_diseases",
        params={"title": "ORPHA:558"},
    )
    assert response.json()["items"][0]["token"] == "ORPHA:558"
    response = manager_request.get(
        "/@vocabularies/cpms.vocabularies.hpo_terms", params={"token": "HP:0000047"}
    )
    assert response.json()["items"] == [
        {"token": "HP:0000047", "title": "Hypospadias (HP:0000047)"}
    ]


def test_countries_over_rest(anon_request):
    response = anon_request.get(
        "/@vocabularies/cpms.vocabularies.eu_eea_countries", params={"b_size": -1}
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert {"token": "NO", "title": "Norway"} in items
    assert len(items) == 30


@pytest.fixture
def case_url(manager_request, body):
    case_id = manager_request.post("/cases", json=body).json()["id"]
    return f"/cases/{case_id}"


def test_outcome_report_serialization(functional_portal, manager_request, case_url):
    from plone.dexterity.utils import createContentInContainer

    from cpms.cases.content.outcome_report import LIABILITY_STATEMENT

    transaction.begin()  # see what the server committed
    case = functional_portal.unrestrictedTraverse(case_url.lstrip("/"))
    createContentInContainer(
        case,
        "OutcomeReport",
        checkConstraints=False,
        findings="F.",
        recommendations="R.",
    )
    transaction.commit()
    data = manager_request.get(f"{case_url}/outcome-report").json()
    assert data["liability_statement"] == LIABILITY_STATEMENT
    assert data["signed_by"] is None
    # read-only: a PATCH cannot sign the report
    manager_request.patch(
        f"{case_url}/outcome-report",
        json={"signed_by": "admin", "liability_statement": "None.", "findings": "F2."},
    )
    data = manager_request.get(f"{case_url}/outcome-report").json()
    assert data["signed_by"] is None
    assert data["liability_statement"] == LIABILITY_STATEMENT
    assert data["findings"] == "F2."


def test_consent_record_withdrawal_checked_over_rest(
    functional_portal, manager_request, case_url
):
    from plone.dexterity.utils import createContentInContainer

    transaction.begin()  # see what the server committed
    case = functional_portal.unrestrictedTraverse(case_url.lstrip("/"))
    createContentInContainer(
        case,
        "ConsentRecord",
        checkConstraints=False,
        kind="research",
        consent_language="fr",
        consent_version="1",
        consent_date=date(2026, 1, 12),
    )
    transaction.commit()
    response = manager_request.patch(
        f"{case_url}/consent",
        json={"withdrawn": True, "withdrawal_date": "2026-01-10"},
    )
    assert response.status_code == 400
    assert "Date of withdrawal: it cannot be before" in response.json()["message"]
    data = manager_request.get(f"{case_url}/consent").json()
    assert data["withdrawn"] is False
    assert data["kind"]["token"] == "research"
