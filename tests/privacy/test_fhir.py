"""FHIR R4 bundles of cases: every demo case's bundle validates, and holds
what the case holds (and nothing that names the patient)."""

import json
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.namedfile.file import NamedBlobFile

from cpms.privacy.fhir import SYSTEM_HPO
from cpms.privacy.fhir import SYSTEM_ICD10
from cpms.privacy.fhir import SYSTEM_ORPHA
from cpms.privacy.fhir import bundle_json
from tests.privacy.conftest import ensure_demo

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _demo_cases(portal):
    ensure_demo(portal)
    return [c for c in portal["cases"].objectValues() if c.portal_type == "Case"]


def _resources(bundle: Bundle, kind: str) -> list:
    return [e.resource for e in bundle.entry if e.resource.__resource_type__ == kind]


def test_every_demo_case_validates(demo_portal):
    cases = _demo_cases(demo_portal)
    assert len(cases) >= 3
    for case in cases:
        text = bundle_json(case)
        # Parsed back from its JSON by the R4 (R4B) models: it validates.
        bundle = Bundle.model_validate_json(text)
        assert bundle.type == "collection"
        patients = _resources(bundle, "Patient")
        assert len(patients) == 1
        patient = patients[0]
        assert patient.identifier[0].value == case.case_id
        assert not patient.name
        assert case.nickname not in text
        assert patient.gender == case.sex
        assert patient.birthDate == str(case.year_of_birth)
        assert _resources(bundle, "Organization")[0].name.startswith("Danube")
        icd = [
            c.code.coding[0]
            for c in _resources(bundle, "Condition")
            if c.code.coding[0].system == SYSTEM_ICD10
        ]
        assert [c.code for c in icd] == case.icd10_codes
        consents = _resources(bundle, "Consent")
        assert len(consents) == len(
            [o for o in case.objectValues() if o.portal_type == "ConsentRecord"]
        )


def test_closed_demo_case_has_its_signed_report(demo_portal):
    ensure_demo(demo_portal)
    case = demo_portal["cases"]["demo-quiet-lynx"]
    bundle = Bundle.model_validate_json(bundle_json(case))
    (composition,) = _resources(bundle, "Composition")
    assert composition.status == "final"
    assert composition.attester[0].mode == "legal"
    sections = {s.title: s.text.div for s in composition.section}
    assert "mycophenolate" in sections["Recommendations"]
    signer = composition.attester[0].party.reference
    practitioners = {
        e.fullUrl: e.resource
        for e in bundle.entry
        if e.resource.__resource_type__ == "Practitioner"
    }
    assert practitioners[signer].name[0].text == "Lena Lead (demo)"
    (consent,) = _resources(bundle, "Consent")
    assert consent.status == "active"
    assert consent.scope.coding[0].code == "treatment"


@pytest.fixture
def coded_case(portal):
    from tests.helpers.cases import CODED
    from tests.helpers.cases import make_case

    case = make_case(portal, **CODED)
    api.content.create(
        container=case,
        type="ConsentRecord",
        id="research-consent",
        kind="research",
        consent_language="de",
        consent_version="2.1",
        consent_date=date(2026, 1, 5),
        recorded_by=TEST_USER_ID,
    )
    api.content.create(
        container=case,
        type="MedicalFile",
        title="Ultrasound report",
        file=NamedBlobFile(data=PDF, filename="ultrasound.pdf"),
    )
    return case


def test_codes_consents_and_files(coded_case):
    bundle = Bundle.model_validate_json(bundle_json(coded_case))
    codings = [c.code.coding[0] for c in _resources(bundle, "Condition")]
    assert {(c.system, c.code) for c in codings} == {
        (SYSTEM_ORPHA, "93930"),
        (SYSTEM_ICD10, "Q64.1"),
    }
    assert codings[0].display == "Bladder exstrophy"
    (observation,) = _resources(bundle, "Observation")
    coding = observation.code.coding[0]
    assert (coding.system, coding.code, coding.display) == (
        SYSTEM_HPO,
        "HP:0000252",
        "Microcephaly",
    )
    (consent,) = _resources(bundle, "Consent")
    assert consent.scope.coding[0].code == "research"
    assert consent.sourceAttachment.language == "de"
    (document,) = _resources(bundle, "DocumentReference")
    attachment = document.content[0].attachment
    assert attachment.contentType == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.url.endswith("/@@download/file")
    assert attachment.data is None  # never the bytes inline
    assert attachment.hash


def test_withdrawn_consent_is_inactive(coded_case):
    consent = [
        o for o in coded_case.objectValues() if o.portal_type == "ConsentRecord"
    ][0]
    api.content.transition(obj=consent, transition="withdraw_consent")
    bundle = Bundle.model_validate_json(bundle_json(coded_case))
    (resource,) = _resources(bundle, "Consent")
    assert resource.status == "inactive"
    assert resource.provision.period.end is not None


def test_rest_fhir(demo_functional_portal):
    import requests
    import transaction

    ensure_demo(demo_functional_portal)
    transaction.commit()

    from cpms.demo import DEMO_PASSWORD

    url = demo_functional_portal["cases"]["demo-quiet-lynx"].absolute_url()
    response = requests.get(
        f"{url}/@fhir",
        headers={"Accept": "application/json"},
        auth=("clinician", DEMO_PASSWORD),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(response.json())
    assert json.loads(bundle.model_dump_json())["resourceType"] == "Bundle"
    refused = requests.get(
        f"{url}/@fhir",
        headers={"Accept": "application/json"},
        auth=("helpdesk", DEMO_PASSWORD),
        timeout=30,
    )
    assert refused.status_code == 401
