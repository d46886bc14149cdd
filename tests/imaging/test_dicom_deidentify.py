"""De-identification of DICOM (cpms.imaging.dicom), on bytes pydicom writes
with a hospital's identifying headers (cpms.imaging.phantom)."""

import io
from datetime import date

import pydicom
import pytest

from cpms.imaging import dicom
from cpms.imaging import phantom

IDENTIFYING = [value.encode() for value in phantom.IDENTITY.values()] + [
    b"DOE",
    b"HOSP-4711",
    b"19800214",
    phantom.PRIVATE_VALUE.encode(),
    phantom.PRIVATE_CREATOR.encode(),
]


def _read(data):
    return pydicom.dcmread(io.BytesIO(data))


def test_identifying_values_private_tags_and_free_text_are_gone():
    name, data = phantom.ct_series(2)[0]
    for value in IDENTIFYING:
        assert value in data, value  # the test's input really carries them
    out = dicom.deidentify(data, "seed-a")
    for value in IDENTIFYING:
        assert value not in out.data, value
    ds = _read(out.data)
    assert ds.PatientIdentityRemoved == "YES"
    assert "Basic Profile" in str(ds.DeidentificationMethod)
    assert ds.DeidentificationMethodCodeSequence[0].CodeValue == "113100"
    assert not [element for element in ds if element.tag.is_private]
    assert "StudyDescription" not in ds and "PatientComments" not in ds
    assert str(ds.PatientName) != "DOE^JOHN"


def test_uids_are_consistent_within_a_case_and_differ_across_cases():
    files = phantom.ct_series(3)
    first = [dicom.deidentify(data, "case-1") for _name, data in files]
    again = [dicom.deidentify(data, "case-1") for _name, data in files]
    other = [dicom.deidentify(data, "case-2") for _name, data in files]
    assert len({i.study_uid for i in first}) == 1
    assert len({i.series_uid for i in first}) == 1
    assert len({i.sop_uid for i in first}) == 3
    assert [i.sop_uid for i in first] == [i.sop_uid for i in again]
    assert first[0].series_uid == again[0].series_uid
    assert first[0].study_uid != other[0].study_uid
    assert first[0].series_uid != other[0].series_uid
    original = _read(files[0][1])
    assert first[0].study_uid != original.StudyInstanceUID


def _day(text):
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def test_dates_move_by_one_offset_per_case_so_intervals_stay_true():
    uids = (pydicom.uid.generate_uid(), pydicom.uid.generate_uid())
    early = phantom.ct_slice(0, 1, *uids, study_date="20250101")
    late = phantom.ct_slice(0, 1, *uids, study_date="20250311")
    a, b = (dicom.deidentify(data, "case-1") for data in (early, late))
    assert a.study_date != "20250101"
    assert (_day(b.study_date) - _day(a.study_date)).days == 69
    shift = (_day(a.study_date) - date(2025, 1, 1)).days
    assert shift == dicom.date_offset_days("case-1")
    birth = _read(a.data).PatientBirthDate
    assert (_day(birth) - date(1980, 2, 14)).days == shift
    other = dicom.deidentify(early, "case-2")
    assert other.study_date != a.study_date


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"burned_in": True}, "0028,0301 = YES"),
        ({"modality": "US"}, "ultrasound"),
        ({"modality": "SC"}, "screen capture"),
    ],
)
def test_burned_in_text_is_refused_unless_the_uploader_confirms(kwargs, reason):
    _name, data = phantom.ct_series(1, **kwargs)[0]
    with pytest.raises(dicom.BurnedIn, match=reason):
        dicom.deidentify(data, "seed")
    out = dicom.deidentify(data, "seed", confirmed_by="clara")
    assert out.confirmed
    ds = _read(out.data)
    assert ds.PatientIdentityRemoved == "YES"
    assert "checked clean" in str(ds.DeidentificationMethod)
    assert "by clara" in str(ds.DeidentificationMethod)


def test_not_dicom_is_refused():
    with pytest.raises(dicom.NotDicom):
        dicom.deidentify(b"%PDF-1.7 not an image" * 20, "seed")


def test_thumbnail_of_a_compressed_image(tmp_path):
    """JPEG 2000 (pylibjpeg-openjpeg) and JPEG-LS decode for the thumbnail."""
    from pydicom.uid import JPEG2000Lossless

    _name, data = phantom.ct_series(1)[0]
    ds = _read(data)
    ds.compress(JPEG2000Lossless)
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    out = dicom.deidentify(buffer.getvalue(), "seed")
    assert _read(out.data).file_meta.TransferSyntaxUID == JPEG2000Lossless
    png = dicom.thumbnail(out.data)
    assert png.startswith(b"\x89PNG")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.getextrema()[1] > image.getextrema()[0]  # not blank
