"""In Chromium, "Add images (DICOM)" sends a zip above the resumable
threshold in pieces through @tus-upload (collaboration's resumable-upload.js)
and a small file with the form; the case page then shows the new series."""

import pytest
import transaction
from plone import api

from tests.browser.pages import axe_violations
from tests.browser.pages import screenshot
from tests.imaging.test_dicom_upload import _case
from tests.imaging.test_dicom_upload import _zip
from tests.imaging.test_dicom_upload import assert_deidentified
from tests.imaging.test_dicom_upload import series_of

pytestmark = pytest.mark.slow

MB = 1024 * 1024


def test_a_large_zip_goes_in_pieces_and_becomes_series(
    functional_portal, tab, tmp_path, monkeypatch
):
    from cpms.imaging import phantom

    monkeypatch.setenv("TUS_TMP_FILE_DIR", str(tmp_path))
    case = _case(functional_portal)
    api.portal.set_registry_record("cpms.uploads.resumable_threshold_mb", 1)
    api.portal.set_registry_record("cpms.uploads.chunk_size_mb", 1)
    transaction.commit()
    study = _zip(phantom.ct_series(5, size=512))
    assert len(study) > 2 * MB
    ((small_name, small),) = phantom.ct_series(1)
    page = tab("emil", viewport={"width": 390, "height": 844})
    pieces, forms = [], []
    held = []

    def route(request_route, request):
        if request.method == "PATCH":
            pieces.append(request.headers.get("upload-offset"))
            if request.headers.get("upload-offset") == str(2 * MB) and not held:
                # Hold the last piece so the page can be looked at mid-way.
                held.append(request_route)
                return None
        return request_route.continue_()

    page.route("**/@tus-upload/**", route)
    page.on(
        "request",
        lambda request: (
            forms.append(request.post_data_buffer or b"")
            if request.method == "POST" and request.url.endswith("@@upload-images")
            else None
        ),
    )
    page.goto(f"{case.absolute_url()}/@@upload-images")
    page.set_input_files(
        "#cpms-images-files",
        files=[
            {"name": "ct-study.zip", "mimeType": "application/zip", "buffer": study},
            {"name": small_name, "mimeType": "application/dicom", "buffer": small},
        ],
    )
    assert axe_violations(page) == []
    assert page.locator("#cpms-resumable-upload").count() == 1
    page.click("form.cpms-upload-images button[type=submit]")
    page.wait_for_function(
        "document.querySelector('#cpms-resumable-progress').value >= 60"
    )
    assert "% sent" in page.locator("#cpms-resumable-status").inner_text()
    screenshot(page, "imaging/emil-large-zip-progress")
    held[0].continue_()
    page.wait_for_url(case.absolute_url(), timeout=60_000)
    assert len(pieces) == len(study) // MB + 1  # the zip went in pieces
    # The form carried only the small file, not the zip.
    (form,) = forms
    assert small_name.encode() in form
    assert b"ct-study.zip" not in form
    screenshot(page, "imaging/emil-large-zip-done")
    transaction.begin()
    found = series_of(case)
    assert sum(len(series.instances) for series in found) == 6
    for series in found:
        for blob in series.ordered():
            assert_deidentified(blob.data)
        assert page.get_by_text(series.Title()).count() >= 1
