"""Refusals of images are written in the uploader's language (they leave as
plain text: REST 400s, the upload page, the resumable upload's answer)."""

import io

import pydicom
import pytest

from cpms.imaging import dicom
from cpms.imaging import phantom
from cpms.imaging import studies


@pytest.fixture
def german(integration):
    request = integration["request"]
    request.set("LANGUAGE", "de")
    yield request
    request.set("LANGUAGE", "")


def _ultrasound() -> bytes:
    _name, data = phantom.ct_series(1, modality="US")[0]
    return data


def test_not_dicom_and_burned_in_in_german(german):
    with pytest.raises(dicom.NotDicom, match="Dies ist keine DICOM-Datei."):
        dicom.read(b"x" * 200)
    reason = dicom.burned_in_reason(pydicom.dcmread(io.BytesIO(_ultrasound())))
    assert reason == "es ist ein Ultraschallbild, das oft Text zeigt"
    with pytest.raises(dicom.BurnedIn) as refused:
        dicom.deidentify(_ultrasound(), "seed")
    assert "es ist ein Ultraschallbild" in str(refused.value)
    assert "Pixeln" in str(refused.value)


def test_upload_refusals_in_german(german):
    with pytest.raises(studies.UploadRefused) as refused:
        studies.expand([("big.dcm", b"x" * 1_048_577)], limit=1_048_576)
    assert refused.value.refusals == [
        ("big.dcm", "das Hochgeladene ist größer als 1 MB")
    ]
    assert str(refused.value).startswith("Nichts")


def test_english_without_a_language(integration):
    with pytest.raises(dicom.NotDicom, match="This is not a DICOM file."):
        dicom.read(b"x" * 200)
    with pytest.raises(studies.UploadRefused) as refused:
        studies.expand([("big.dcm", b"x" * 1_048_577)], limit=1_048_576)
    assert refused.value.refusals == [("big.dcm", "the upload is over 1 MB")]
