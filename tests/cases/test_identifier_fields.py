"""Every checked free text of a case refuses a direct identifier over REST,
with a 400 that names the field and quotes what was found; nothing is kept."""

import base64

import pytest
import transaction
from plone import api

from cpms.cases import states
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import rest as _rest_fixture  # noqa: F401
from tests.collaboration.conftest import set_state
from tests.collaboration.test_filecheck import PNG_IMAGE

BAD = {
    "name": "Mario Rossi",
    "fiscal code": "RSSMRA85T10A562S",
    "NIR": "1 85 05 78 006 084 91",
    "phone": "+49 30 12345678",
    "national phone": "030 12345678",
    "IBAN": "DE89 3704 0044 0532 0130 00",
}
MEETING = {"start": "2031-03-04T09:00:00", "end": "2031-03-04T10:00:00"}


def _file(filename):
    return {
        "data": base64.b64encode(PNG_IMAGE).decode(),
        "encoding": "base64",
        "filename": filename,
        "content-type": "image/png",
    }


# (type, field, the other fields of a valid body)
FIELDS = [
    ("Contribution", "text", {}),
    ("OutcomeReport", "findings", {"recommendations": "Watch."}),
    ("OutcomeReport", "recommendations", {"findings": "Fine."}),
    (
        "OutcomeReport",
        "treatment_plan",
        {"findings": "Fine.", "recommendations": "Watch."},
    ),
    ("OutcomeReport", "references", {"findings": "Fine.", "recommendations": "W."}),
    ("Meeting", "title", MEETING),
    ("Meeting", "agenda", MEETING | {"title": "Panel"}),
    ("MedicalFile", "title", {"file": _file("scan.png")}),
    ("MedicalFile", "file", {"title": "Scan"}),
]


@pytest.fixture
def open_case(functional_portal):
    case = make_case(functional_portal)
    set_state(case, states.IN_DISCUSSION)
    transaction.commit()
    return case


@pytest.mark.parametrize("kind", BAD, ids=BAD.keys())
@pytest.mark.parametrize(
    "type_, field, others", FIELDS, ids=[f"{t}.{f}" for t, f, _o in FIELDS]
)
def test_an_item_field_refuses(open_case, rest, kind, type_, field, others):
    bad = BAD[kind]
    value = _file(f"{bad}.png") if field == "file" else f"Seen with {bad} today."
    response = rest().post(
        open_case.absolute_url(), json={"@type": type_, field: value} | others
    )
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert field in message
    assert "this looks like" in message
    assert bad in message or bad.replace(" ", "") in message
    transaction.begin()
    assert not [o for o in open_case.objectValues() if o.portal_type == type_]


@pytest.mark.parametrize("kind", BAD, ids=BAD.keys())
@pytest.mark.parametrize("field", ["nickname", "clinical_summary", "clinical_question"])
def test_a_case_field_refuses(open_case, rest, kind, field):
    bad = BAD[kind]
    session = rest()
    response = session.patch(open_case.absolute_url(), json={field: f"With {bad}"})
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert field in message and bad in message
    transaction.begin()
    assert bad not in getattr(open_case, field)


@pytest.mark.parametrize("kind", BAD, ids=BAD.keys())
def test_a_workflow_comment_refuses(open_case, rest, kind):
    bad = BAD[kind]
    response = rest().post(
        f"{open_case.absolute_url()}/@workflow/request_info",
        json={"comment": f"Please ask {bad} for the scan."},
    )
    assert response.status_code == 400, response.text
    assert "comment: this looks like" in response.json()["message"]
    transaction.begin()
    assert api.content.get_state(open_case) == states.IN_DISCUSSION


def test_an_authors_name_in_references_is_kept(open_case, rest):
    response = rest().post(
        open_case.absolute_url(),
        json={
            "@type": "OutcomeReport",
            "findings": "Fine.",
            "recommendations": "Watch.",
            "references": "Mario Rossi et al. Orphanet J Rare Dis 2019;14:12.",
        },
    )
    assert response.status_code == 201, response.text
