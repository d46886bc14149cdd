"""DICOM into a case through the web form, REST (@images and a MedicalFile)
and the demo: de-identified before it is stored, grouped by series, refused
by name when it is not DICOM or may show identifying text."""

import base64
import io
import re
import zipfile

import pydicom
import transaction
from plone import api

from cpms.cases import states
from cpms.collaboration.browser.medical_file import SAFE_HEADERS
from cpms.core import audit
from cpms.core.roles import PANEL_MEMBER
from cpms.imaging import phantom
from cpms.imaging import studies
from cpms.imaging.browser.views import DOWNLOAD_HEADERS
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state
from tests.imaging.test_dicom_deidentify import IDENTIFYING


def _case(portal, nickname="Blue Heron"):
    make_user("emil", fullname="Emil Expert")
    case = make_case(portal, nickname=nickname)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    return case


def _zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for position, (name, data) in enumerate(files):
            archive.writestr(f"CD/DICOM/{position:03d}/{name}", data)
    return buffer.getvalue()


def _b64(name, data):
    return {"filename": name, "data": base64.b64encode(data).decode()}


def series_of(case):
    return [o for o in case.objectValues() if o.portal_type == "ImagingSeries"]


def assert_deidentified(data):
    for value in IDENTIFYING:
        assert value not in data, value
    assert pydicom.dcmread(io.BytesIO(data)).PatientIdentityRemoved == "YES"


def test_rest_zip_of_two_series_is_grouped_and_deidentified(functional_portal, rest):
    case = _case(functional_portal)
    transaction.commit()
    ct = phantom.ct_series(6)
    other = phantom.ct_series(3)
    response = rest("emil").post(
        f"{case.absolute_url()}/@images",
        json={"files": [_b64("study.zip", _zip(ct + other))]},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["images"] == 9
    assert sorted(item["images"] for item in body["items"]) == [3, 6]
    transaction.begin()
    found = series_of(case)
    assert len(found) == 2
    for series in found:
        assert series.thumbnail.data.startswith(b"\x89PNG")
        numbers = []
        for blob in series.ordered():
            assert_deidentified(blob.data)
            numbers.append(int(pydicom.dcmread(io.BytesIO(blob.data)).InstanceNumber))
        assert numbers == sorted(numbers)
    # A second upload of the same series joins it (same per-case UIDs).
    response = rest("emil").post(
        f"{case.absolute_url()}/@images", json={"files": [_b64(*ct[0])]}
    )
    assert response.status_code == 201, response.text
    transaction.begin()
    assert len(series_of(case)) == 2
    assert sorted(len(s.instances) for s in series_of(case)) == [3, 6]
    actions = [entry["action"] for entry in audit.entries(case)]
    assert actions.count("images_uploaded") == 2


def test_non_dicom_in_a_zip_is_refused_by_name_and_nothing_is_stored(
    functional_portal, rest
):
    case = _case(functional_portal)
    transaction.commit()
    files = [*phantom.ct_series(2), ("notes.txt", b"Patient John Doe, bed 12")]
    response = rest("emil").post(
        f"{case.absolute_url()}/@images",
        json={"files": [_b64("cd.zip", _zip(files))]},
    )
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert message.startswith("files: ")
    assert "cd.zip/CD/DICOM/002/notes.txt" in message
    assert "not a DICOM file" in message
    transaction.begin()
    assert series_of(case) == []


def test_burned_in_images_need_the_uploaders_confirmation(functional_portal, rest):
    case = _case(functional_portal)
    transaction.commit()
    files = phantom.ct_series(2, burned_in=True)
    url = f"{case.absolute_url()}/@images"
    refused = rest("emil").post(url, json={"files": [_b64(*f) for f in files]})
    assert refused.status_code == 400
    assert "IM0001.dcm" in refused.json()["message"]
    assert "0028,0301 = YES" in refused.json()["message"]
    bad_flag = rest("emil").post(
        url, json={"files": [_b64(*files[0])], "pixels_clean": "yes"}
    )
    assert bad_flag.status_code == 400
    assert bad_flag.json()["message"].startswith("pixels_clean:")
    accepted = rest("emil").post(
        url, json={"files": [_b64(*f) for f in files], "pixels_clean": True}
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["confirmed"] == 2
    transaction.begin()
    (series,) = series_of(case)
    assert [who for who, _when in series.pixel_confirmations] == ["emil"]
    method = str(
        pydicom.dcmread(io.BytesIO(series.ordered()[0].data)).get(0x00120063).value
    )
    assert "by emil" in method
    entries = [
        e for e in audit.entries(case) if e["action"] == "images_pixels_confirmed"
    ]
    assert entries and entries[0]["actor"] == "emil"


def test_web_form_upload_of_files_and_a_folder(functional_portal, rest):
    case = _case(functional_portal)
    transaction.commit()
    session = rest("emil")
    session.headers["Accept"] = "text/html"
    page = session.get(f"{case.absolute_url()}/@@upload-images")
    assert page.status_code == 200
    assert "webkitdirectory" in page.text
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)
    files = phantom.ct_series(4)
    response = session.post(
        f"{case.absolute_url()}/@@upload-images",
        data={"_authenticator": token},
        files=[("files:list", (files[0][0], files[0][1], "application/dicom"))]
        + [("folder:list", (f"CT/{n}", d, "application/dicom")) for n, d in files[1:]],
    )
    assert response.status_code == 200, response.text
    assert response.url.rstrip("/") == case.absolute_url()
    assert "4 images de-identified and stored" in response.text
    # The case page shows the series with its thumbnail.
    assert "CT of the chest, series 2" in response.text
    assert "@@thumbnail" in response.text
    transaction.begin()
    (series,) = series_of(case)
    assert len(series.instances) == 4
    # Refused: a text file named as DICOM; the page says which and why.
    refused = session.post(
        f"{case.absolute_url()}/@@upload-images",
        data={"_authenticator": token},
        files=[("files:list", ("scan.dcm", b"not dicom at all", "application/dicom"))],
    )
    assert refused.status_code == 200
    assert "Nothing was stored." in refused.text
    assert "scan.dcm" in refused.text


def test_a_dicom_medical_file_is_deidentified_or_refused(functional_portal, rest):
    case = _case(functional_portal)
    transaction.commit()
    ((name, data),) = phantom.ct_series(1)
    session = rest("emil")

    def upload(payload):
        return session.post(
            case.absolute_url(),
            json={
                "@type": "MedicalFile",
                "title": "CT slice",
                "file": {**_b64("ct-slice.dcm", payload), "encoding": "base64"},
            },
        )

    response = upload(data)
    assert response.status_code == 201, response.text
    transaction.begin()
    (stored,) = [o for o in case.objectValues() if o.portal_type == "MedicalFile"]
    assert_deidentified(stored.file.data)
    # Named by its content: a sender's file name may carry a name or an id.
    assert stored.file.filename != "ct-slice.dcm"
    assert stored.file.filename.endswith(".dcm")
    assert stored.kind == "DICOM file"
    ((_n, burned),) = phantom.ct_series(1, modality="US")
    refused = upload(burned)
    assert refused.status_code == 400
    assert "Add images (DICOM)" in refused.text


def test_images_are_served_only_to_the_case_people_as_downloads(
    functional_portal, rest
):
    case = _case(functional_portal)
    studies_result = None
    with api.env.adopt_user(username="emil"):
        studies_result = studies.import_files(case, phantom.ct_series(2))
    make_user("stranger", fullname="Stranger Clinician")
    transaction.commit()
    (series,) = studies_result.series
    url = f"{series.absolute_url()}/@@dicom/0"
    response = rest("emil").get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "application/dicom"
    for header, value in SAFE_HEADERS.items():
        # The caching ruleset (cpms.private) adds max-age=0 to Cache-Control.
        assert response.headers[header].startswith(value), header
    assert DOWNLOAD_HEADERS == SAFE_HEADERS
    assert_deidentified(response.content)
    assert rest("emil").get(f"{series.absolute_url()}/@@dicom/2").status_code == 404
    for user in ("stranger",):
        for path in ("@@dicom/0", "@@thumbnail", ""):
            denied = rest(user).get(f"{series.absolute_url()}/{path}")
            assert denied.status_code in (401, 403), (user, path, denied.status_code)
    listing = rest("emil").get(f"{case.absolute_url()}/@images")
    assert listing.status_code == 200
    assert listing.json()["items"][0]["images"] == 2
    assert rest("stranger").get(f"{case.absolute_url()}/@images").status_code in (
        401,
        403,
    )
