"""A case from enrolment to closing, over REST against a real server (demo
site): a clinician enrols a case with consent and submits it, a coordinator opens
the panel, two experts contribute, the lead signs the report, the case closes.
"""

import pytest
from pytest_plone.fixtures.requests import RelativeSession

from cpms.demo import DEMO_PASSWORD


@pytest.fixture
def as_user(demo_functional_portal):
    base = f"{demo_functional_portal.absolute_url()}/++api++"
    sessions = []

    def factory(userid):
        session = RelativeSession(base)
        session.headers.update({"Accept": "application/json"})
        session.auth = (userid, DEMO_PASSWORD)
        sessions.append(session)
        return session

    yield factory
    for session in sessions:
        session.close()


def path_of(response):
    return "/cases/" + response.json()["@id"].split("/cases/", 1)[1]


def test_case_journey_over_rest(as_user):
    clinician, coordinator = as_user("clinician"), as_user("coordinator")
    lead, expert1, expert2 = as_user("lead"), as_user("expert1"), as_user("expert2")

    created = clinician.post(
        "/cases",
        json={
            "@type": "Case",
            "nickname": "Amber Finch",
            "sex": "male",
            "year_of_birth": 2012,
            "referring_hcp": "danube-university-hospital",
            "expertise_area": "neurogenic-bladder",
            "clinical_summary": "Spina bifida; rising bladder pressures (journey).",
            "clinical_question": "Is an augmentation needed?",
        },
    )
    assert created.status_code == 201, created.text
    case = path_of(created)

    refused = clinician.post(f"{case}/@workflow/submit")
    assert refused.status_code == 400
    assert "care consent" in refused.json()["message"]

    consent = clinician.post(
        case,
        json={
            "@type": "ConsentRecord",
            "kind": "care",
            "consent_language": "de",
            "consent_version": "3.1",
            "consent_date": "2026-02-01",
        },
    )
    assert consent.status_code == 201, consent.text
    submitted = clinician.post(f"{case}/@workflow/submit")
    assert submitted.json()["review_state"] == "submitted"

    # Not on the panel yet: the experts do not see the case.
    assert expert1.get(case).status_code == 401

    shared = coordinator.post(
        f"{case}/@sharing",
        json={
            "entries": [
                {"id": "lead", "type": "user", "roles": {"Panel Lead": True}},
                {"id": "expert1", "type": "user", "roles": {"Panel Member": True}},
                {"id": "expert2", "type": "user", "roles": {"Panel Member": True}},
            ]
        },
    )
    assert shared.status_code == 204, shared.text
    opened = coordinator.post(f"{case}/@workflow/open_panel")
    assert opened.json()["review_state"] == "in_discussion"

    for expert, text in ((expert1, "Urodynamics first."), (expert2, "Agreed.")):
        posted = expert.post(case, json={"@type": "Contribution", "text": text})
        assert posted.status_code == 201, posted.text

    report = lead.post(
        case,
        json={
            "@type": "OutcomeReport",
            "findings": "High-pressure neurogenic bladder.",
            "recommendations": "Anticholinergics; augmentation if they fail.",
        },
    )
    assert report.status_code == 201, report.text
    report_path = path_of(report)
    early = lead.post(f"{case}/@workflow/close")
    assert early.status_code == 400
    assert "signed by the panel lead" in early.json()["message"]

    signed = lead.post(f"{report_path}/@workflow/sign")
    assert signed.json()["review_state"] == "signed"
    report_data = clinician.get(report_path).json()
    assert report_data["signed_by"] == "lead"
    assert report_data["signed_on"]
    # A signed report is locked, even for its author.
    assert lead.patch(report_path, json={"findings": "Changed."}).status_code == 401

    closed = lead.post(f"{case}/@workflow/close")
    assert closed.status_code == 200, closed.text
    assert clinician.get(case).json()["review_state"] == "closed"
    # Closed: nobody adds anything any more.
    late = expert1.post(case, json={"@type": "Contribution", "text": "Late."})
    assert late.status_code in (401, 403)
