"""DICOM sent in pieces through @tus-upload: a zip of a study (or one DICOM
file) becomes de-identified imaging series of the case, refused by name like
any imaging upload, with the pieces dropped."""

import io
import zipfile

import pydicom
import transaction

from cpms.imaging import phantom
from tests.collaboration.test_active_content import CLEAN_DOCX
from tests.collaboration.test_active_content import CLEAN_PDF
from tests.collaboration.test_tus_upload import send
from tests.collaboration.test_tus_upload import start
from tests.collaboration.test_tus_upload import tus_dir  # noqa: F401
from tests.imaging.test_dicom_deidentify import IDENTIFYING
from tests.imaging.test_dicom_upload import _case
from tests.imaging.test_dicom_upload import _zip
from tests.imaging.test_dicom_upload import assert_deidentified
from tests.imaging.test_dicom_upload import series_of


def _send_in_pieces(session, case, data, filename, pieces=3, **extra):
    created = start(session, case, len(data), filename, **extra)
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    size = len(data) // pieces + 1
    offset, response = 0, None
    while offset < len(data):
        response = send(session, location, data[offset : offset + size], offset)
        offset += size
        if offset < len(data):
            assert response.status_code == 204, response.text
    return response


def test_a_zip_sent_in_pieces_becomes_deidentified_series(
    functional_portal,
    rest,
    tus_dir,  # noqa: F811
):
    case = _case(functional_portal)
    transaction.commit()
    files = phantom.ct_series(4)
    for value in IDENTIFYING:
        assert value in files[0][1], value  # the input really carries them
    session = rest("emil")
    done = _send_in_pieces(session, case, _zip(files), "ct-study.zip")
    assert done.status_code == 204, done.text
    transaction.begin()
    (series,) = series_of(case)
    assert done.headers["Location"] == series.absolute_url()
    assert len(series.instances) == 4
    for blob in series.ordered():
        assert_deidentified(blob.data)
    # No MedicalFile holds the zip, and the pieces are gone.
    assert not [o for o in case.objectValues() if o.portal_type == "MedicalFile"]
    assert not list(tus_dir.iterdir())
    page = session.get(series.absolute_url(), headers={"Accept": "text/html"})
    assert page.status_code == 200


def test_a_single_dicom_file_sent_as_images_joins_the_imaging(
    functional_portal,
    rest,
    tus_dir,  # noqa: F811
):
    case = _case(functional_portal)
    transaction.commit()
    ((_name, data),) = phantom.ct_series(1)
    session = rest("emil")
    done = _send_in_pieces(session, case, data, "IM0001.dcm", pieces=2, images="true")
    assert done.status_code == 204, done.text
    transaction.begin()
    (series,) = series_of(case)
    (blob,) = series.ordered()
    assert_deidentified(blob.data)
    # Sent as images, a file that is not DICOM is refused by name.
    refused = _send_in_pieces(session, case, CLEAN_PDF, "report.pdf", images="true")
    assert refused.status_code == 400, refused.text
    assert "report.pdf" in refused.json()["message"]
    transaction.begin()
    assert not [o for o in case.objectValues() if o.portal_type == "MedicalFile"]


def test_burned_in_without_confirmation_is_refused_naming_the_file(
    functional_portal,
    rest,
    tus_dir,  # noqa: F811
):
    case = _case(functional_portal)
    transaction.commit()
    ((_n, clean),) = phantom.ct_series(1)
    ((_n, burned),) = phantom.ct_series(1, modality="US")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("clean.dcm", clean)
        handle.writestr("echo.dcm", burned)
        handle.writestr("notes.txt", b"not an image")
    data = archive.getvalue()
    session = rest("emil")
    refused = _send_in_pieces(session, case, data, "study.zip")
    assert refused.status_code == 400, refused.text
    message = refused.json()["message"]
    assert "study.zip/echo.dcm" in message
    assert "study.zip/notes.txt" in message
    assert "study.zip/clean.dcm" not in message
    transaction.begin()
    assert series_of(case) == []
    assert not list(tus_dir.iterdir())  # the pieces are dropped
    # Confirmed clean (and without the text file), the same study is taken.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("clean.dcm", clean)
        handle.writestr("echo.dcm", burned)
    done = _send_in_pieces(
        session, case, archive.getvalue(), "study.zip", pixels_clean="true"
    )
    assert done.status_code == 204, done.text
    transaction.begin()
    assert sum(len(s.instances) for s in series_of(case)) == 2
    confirmed = [s for s in series_of(case) if s.pixel_confirmations]
    assert confirmed and confirmed[0].pixel_confirmations[0][0] == "emil"
    for series in series_of(case):
        for blob in series.ordered():
            dataset = pydicom.dcmread(io.BytesIO(blob.data))
            assert dataset.PatientIdentityRemoved == "YES"


def test_an_office_document_sent_in_pieces_stays_a_medical_file(
    functional_portal,
    rest,
    tus_dir,  # noqa: F811
):
    """A .docx is a zip too, but no study: it is not taken as images."""
    case = _case(functional_portal)
    transaction.commit()
    done = _send_in_pieces(rest("emil"), case, CLEAN_DOCX, "letter.docx", pieces=2)
    assert done.status_code == 204, done.text
    transaction.begin()
    assert series_of(case) == []
    (stored,) = [o for o in case.objectValues() if o.portal_type == "MedicalFile"]
    assert stored.file.filename == "letter.docx"
