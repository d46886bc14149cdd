"""Every checked free text of a case refuses a direct identifier over REST,
with a 400 that names the field and quotes what was found; nothing is kept."""

import base64
import re
from html import unescape

import pytest
import transaction
from plone import api

from cpms.cases import states
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import rest_session
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
def rest(functional_portal):
    """rest() -> a requests session as the site owner."""
    sessions = []

    def factory():
        sessions.append(rest_session(functional_portal))
        return sessions[-1]

    yield factory
    for session in sessions:
        session.close()


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


def _demo_texts(value, key=""):
    """(key, text) of every string in the demo's case and referral specs."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _demo_texts(v, str(k))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _demo_texts(v, key)


# The referrer's own name and address are about the clinician, not the
# patient, and are not checked (docs/privacy.md).
NOT_CHECKED = ("clinician_name", "clinician_email")


def test_the_demo_cases_pass():
    """Every text of the demo's cases, their items and its referrals passes."""
    from cpms.core.identifiers import refusals
    from cpms.demo.cases import CASES
    from cpms.demo.referrals import REFERRALS

    texts = [
        (key, text)
        for key, text in _demo_texts([CASES, REFERRALS])
        if key not in NOT_CHECKED
    ]
    assert len(texts) > 30
    assert "Blue Heron (demo)" in [text for _key, text in texts]
    assert not [(key, text) for key, text in texts if refusals(text)]


# --- the same through the web forms ------------------------------------------

MEETING_FORM = {
    "form.widgets.start": "2031-03-04T09:00",
    "form.widgets.end": "2031-03-04T10:00",
    "form.widgets.timezone:list": "Europe/Brussels",
}
# (form, label in the message, the fields with {} for the bad value)
FORMS = [
    ("++add++Contribution", "Contribution", {"form.widgets.text": "{}"}),
    (
        "++add++OutcomeReport",
        "Findings",
        {"form.widgets.findings": "{}", "form.widgets.recommendations": "W."},
    ),
    (
        "++add++OutcomeReport",
        "References",
        {
            "form.widgets.findings": "F.",
            "form.widgets.recommendations": "W.",
            "form.widgets.references": "{}",
        },
    ),
    ("++add++Meeting", "Title", MEETING_FORM | {"form.widgets.IBasic.title": "{}"}),
    (
        "++add++Meeting",
        "Agenda",
        MEETING_FORM
        | {"form.widgets.IBasic.title": "Panel", "form.widgets.agenda": "{}"},
    ),
    ("++add++MedicalFile", "Title", {"form.widgets.IBasic.title": "{}"}),
    ("++add++MedicalFile", "File name", {"form.widgets.IBasic.title": "Scan"}),
    ("edit", "Nickname", {"form.widgets.nickname": "{}"}),
    ("edit", "Clinical summary", {"form.widgets.clinical_summary": "{}"}),
    ("edit", "Clinical question", {"form.widgets.clinical_question": "{}"}),
]


def _hidden_inputs(html):
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))


@pytest.mark.parametrize("kind", BAD, ids=BAD.keys())
@pytest.mark.parametrize(
    "form, label, fields", FORMS, ids=[f"{f}.{label}" for f, label, _x in FORMS]
)
def test_a_web_form_refuses(open_case, rest, kind, form, label, fields):
    bad = BAD[kind]
    session = rest()
    session.headers.pop("Accept", None)
    url = f"{open_case.absolute_url()}/{form}"
    data = _hidden_inputs(session.get(url).text)
    data = {k: v for k, v in data.items() if k in ("_authenticator",)}
    if form == "edit":
        data |= {
            "form.widgets.nickname": open_case.nickname,
            "form.widgets.clinical_summary": open_case.clinical_summary,
            "form.widgets.clinical_question": open_case.clinical_question,
        }
    value = bad if label == "Nickname" else f"Seen with {bad} today."
    data |= {k: v.format(value) for k, v in fields.items()}
    data["form.buttons.save"] = "Save"
    files = None
    if form == "++add++MedicalFile":
        filename = f"{bad}.png" if label == "File name" else "scan.png"
        files = {"form.widgets.file": (filename, PNG_IMAGE, "image/png")}
    before = set(open_case.objectIds())
    response = session.post(url, data=data, files=files)
    text = unescape(response.text)
    assert f"{label}: this looks like" in text, text[:3000]
    assert bad in text
    transaction.begin()
    assert set(open_case.objectIds()) == before
    assert bad not in open_case.nickname + open_case.clinical_summary


def test_a_warning_is_shown_after_saving(open_case, rest):
    """An author's name in a reference is kept, and whoever saved it is told."""
    session = rest()
    session.headers.pop("Accept", None)
    url = f"{open_case.absolute_url()}/++add++Contribution"
    data = {
        "_authenticator": _hidden_inputs(session.get(url).text)["_authenticator"],
        "form.widgets.text": "See Mario Rossi et al. Orphanet J Rare Dis 2019;14:12.",
        "form.buttons.save": "Save",
    }
    response = session.post(url, data=data)
    text = unescape(response.text)
    assert response.status_code == 200
    assert 'Contribution: "Mario Rossi" may be a personal name.' in text
    assert "If it is the author of a publication, keep it" in text
    transaction.begin()
    assert [o for o in open_case.objectValues() if o.portal_type == "Contribution"]
