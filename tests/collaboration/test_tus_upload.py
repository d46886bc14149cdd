"""Resumable uploads (TUS) of a case's files: plone.restapi's @tus-upload
with the registry's limit, strict offsets, and the same checks as any upload."""

import base64

import pytest
import transaction
from plone import api

from cpms.cases import states
from cpms.core.roles import PANEL_MEMBER
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state
from tests.collaboration.test_active_content import CLEAN_PDF
from tests.collaboration.test_active_content import _open_action_script
from tests.collaboration.test_active_content import pdf_bytes

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def tus_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TUS_TMP_FILE_DIR", str(tmp_path))
    return tmp_path


def metadata(**values) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in values.items()
    )


def _case(portal):
    make_user("emil", fullname="Emil Expert")
    case = make_case(portal)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    transaction.commit()
    return case


def start(session, case, length, filename, **extra):
    return session.post(
        f"{case.absolute_url()}/@tus-upload",
        headers=TUS
        | {
            "Upload-Length": str(length),
            "Upload-Metadata": metadata(filename=filename, **extra),
        },
    )


def send(session, location, data, offset):
    return session.patch(
        location,
        data=data,
        headers=TUS
        | {
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset),
        },
    )


def test_a_file_sent_in_pieces_becomes_a_checked_medical_file(
    functional_portal, rest, tus_dir
):
    case = _case(functional_portal)
    session = rest("emil")
    data = CLEAN_PDF
    created = start(session, case, len(data), "discharge-letter.pdf")
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    assert "@tus-upload/" in location
    half = len(data) // 2
    assert send(session, location, data[:half], 0).status_code == 204
    head = session.head(location, headers=TUS)
    assert head.headers["Upload-Offset"] == str(half)
    # A piece sent from the wrong place is refused, nothing is appended.
    wrong = send(session, location, data[half:], half + 1)
    assert wrong.status_code == 409
    assert f"{half} bytes are stored" in wrong.json()["message"]
    assert session.head(location, headers=TUS).headers["Upload-Offset"] == str(half)
    done = send(session, location, data[half:], half)
    assert done.status_code == 204, done.text
    item = session.get(done.headers["Location"]).json()
    assert item["@type"] == "MedicalFile"
    assert item["kind"] == "PDF document"
    assert item["file"]["filename"] == "discharge-letter.pdf"
    download = session.get(f"{done.headers['Location']}/@@download/file")
    assert download.content == data
    assert not list(tus_dir.iterdir())  # the pieces are gone


def test_too_big_is_refused_before_the_first_byte(functional_portal, rest, tus_dir):
    case = _case(functional_portal)
    api.portal.set_registry_record("cpms.uploads.max_size_mb", 100)
    transaction.commit()
    response = start(rest("emil"), case, 101 * 1_048_576, "ct-study.zip")
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["type"] == "RequestEntityTooLarge"
    assert body["message"] == "ct-study.zip is 101.0 MB; the limit is 100 MB."
    assert start(rest("emil"), case, 10, "").status_code == 400
    refused = start(rest("emil"), case, 10, "a.pdf", **{"@type": "Case"})
    assert refused.status_code == 400
    assert "a Case cannot be added here" in refused.json()["message"]


def test_active_content_sent_in_pieces_is_refused_naming_the_file(
    functional_portal, rest, tus_dir
):
    case = _case(functional_portal)
    session = rest("emil")
    data = pdf_bytes(_open_action_script)
    location = start(session, case, len(data), "letter.pdf").headers["Location"]
    response = send(session, location, data, 0)
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert message.startswith("file: letter.pdf is refused.")
    assert "JavaScript" in message
    transaction.begin()
    assert not [o for o in case.objectValues() if o.portal_type == "MedicalFile"]
    assert not list(tus_dir.iterdir())


def test_outsiders_cannot_upload_or_read_offsets(functional_portal, rest, tus_dir):
    case = _case(functional_portal)
    make_user("gus", fullname="Gus Outside")
    transaction.commit()
    location = start(rest("emil"), case, 10, "a.pdf").headers["Location"]
    outsider = rest("gus")
    assert start(outsider, case, 10, "b.pdf").status_code in (401, 403, 404)
    assert send(outsider, location, b"0" * 10, 0).status_code in (401, 403, 404)
    assert outsider.head(location, headers=TUS).status_code in (401, 403, 404)


def test_dicom_sent_in_pieces_is_deidentified_before_it_is_stored(
    functional_portal, rest, tus_dir
):
    """The imaging slice's de-identification (its data manager of the file
    field, which plone.restapi's deserializer uses) runs on a TUS upload."""
    import io

    import pydicom

    from cpms.imaging import phantom
    from tests.imaging.test_dicom_deidentify import IDENTIFYING

    case = _case(functional_portal)
    session = rest("emil")
    ((_name, data),) = phantom.ct_series(1)
    assert any(value in data for value in IDENTIFYING)
    location = start(session, case, len(data), "ct.dcm").headers["Location"]
    assert send(session, location, data[:1000], 0).status_code == 204
    done = send(session, location, data[1000:], 1000)
    assert done.status_code == 204, done.text
    transaction.begin()
    (stored,) = [o for o in case.objectValues() if o.portal_type == "MedicalFile"]
    for value in IDENTIFYING:
        assert value not in stored.file.data, value
    assert pydicom.dcmread(io.BytesIO(stored.file.data)).PatientIdentityRemoved == "YES"
