"""No stored DICOM keeps what identified the patient: every blob file of the
test and demo sites' databases is read from disk, and each DICOM among them
is de-identified (0012,0062 = YES, none of the uploaded identifying values).
What an upload sent and the portal refused is not stored at all."""

import base64
import io
from pathlib import Path

import pydicom
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import applyProfile

from cpms.cases import states
from cpms.core.roles import PANEL_MEMBER
from cpms.demo.cases import _existing
from cpms.demo.imaging import CASE
from cpms.imaging import phantom
from tests.collaboration.conftest import set_state
from tests.imaging.test_dicom_deidentify import IDENTIFYING
from tests.imaging.test_dicom_upload import _case
from tests.imaging.test_dicom_upload import _zip


def blob_directories(portal) -> list[Path]:
    """The blob directories of the database's storage and those it stacks on
    (the test layers stack DemoStorages, each keeping its blobs on disk)."""
    found, storage, seen = [], portal._p_jar.db().storage, set()
    while storage is not None and id(storage) not in seen:
        seen.add(id(storage))
        for part in (storage, getattr(storage, "changes", None)):
            helper = getattr(part, "fshelper", None)
            if helper is not None:
                found.append(Path(helper.base_dir))
        storage = getattr(storage, "base", None)
    return found


def stored_dicom(portal) -> list[bytes]:
    files = []
    for directory in blob_directories(portal):
        for path in directory.rglob("*.blob"):
            data = path.read_bytes()
            if data[128:132] == b"DICM":
                files.append(data)
    return files


def assert_all_deidentified(files):
    for data in files:
        for value in IDENTIFYING:
            assert value not in data, value
        assert pydicom.dcmread(io.BytesIO(data)).PatientIdentityRemoved == "YES"


def _second_case(portal, model):
    """Another case with the first one's network (make_case would make the
    network again)."""
    from cpms.cases.case_id import create_case

    fields = {
        name: getattr(model, name)
        for name in (
            "sex",
            "year_of_birth",
            "referring_hcp",
            "referring_clinician",
            "urgent",
            "expertise_area",
            "clinical_summary",
            "clinical_question",
        )
    }
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        case = create_case(portal["cases"], nickname="Red Fox", **fields)
    case.manage_delLocalRoles([SITE_OWNER_NAME])
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    return case


def test_every_stored_dicom_blob_of_the_test_site_is_deidentified(
    functional_portal, rest
):
    case = _case(functional_portal)
    other = _second_case(functional_portal, case)
    transaction.commit()
    session = rest("emil")

    def post(target, files, **extra):
        return session.post(
            f"{target.absolute_url()}/@images",
            json={
                "files": [
                    {"filename": n, "data": base64.b64encode(d).decode()}
                    for n, d in files
                ],
                **extra,
            },
        )

    assert post(case, [("cd.zip", _zip(phantom.ct_series(5)))]).status_code == 201
    assert post(other, phantom.ct_series(2)).status_code == 201
    burned = phantom.ct_series(2, burned_in=True)
    assert post(case, burned).status_code == 400  # refused: nothing stored
    assert post(case, burned, pixels_clean=True).status_code == 201
    single = phantom.ct_series(1)[0]
    medical = session.post(
        case.absolute_url(),
        json={
            "@type": "MedicalFile",
            "title": "One slice",
            "file": {
                "filename": single[0],
                "data": base64.b64encode(single[1]).decode(),
                "encoding": "base64",
            },
        },
    )
    assert medical.status_code == 201, medical.text
    transaction.begin()
    files = stored_dicom(functional_portal)
    assert len(files) >= 5 + 2 + 2 + 1
    assert_all_deidentified(files)

    # UIDs: one study per upload here, each case's its own.
    def studies(target):
        return {
            pydicom.dcmread(io.BytesIO(blob.data)).StudyInstanceUID
            for series in target.objectValues()
            if series.portal_type == "ImagingSeries"
            for blob in series.ordered()
        }

    assert not studies(case) & studies(other)


def test_every_stored_dicom_blob_of_the_demo_site_is_deidentified(functional_portal):
    """The demo profile, applied here and committed (this test's database is
    thrown away after it): its CT series is stored de-identified."""
    with api.env.adopt_roles(["Manager"]):
        applyProfile(functional_portal, "cpms:demo")
    transaction.commit()
    case = _existing(functional_portal)[CASE]
    (series,) = [o for o in case.objectValues() if o.portal_type == "ImagingSeries"]
    assert len(series.instances) == 16
    assert series.thumbnail is not None
    files = stored_dicom(functional_portal)
    assert len(files) >= 16
    assert_all_deidentified(files)
    uids = {pydicom.dcmread(io.BytesIO(data)).SeriesInstanceUID for data in files}
    assert series.series_uid in uids
