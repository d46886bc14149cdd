"""In Chromium, "Add a file" sends a file above the threshold in pieces
(tus-js-client), survives a piece whose connection fails, announces its
progress, and opens the new file's page."""

import struct

import pytest
import transaction
from plone import api

from cpms.cases import states
from cpms.core.roles import PANEL_MEMBER
from tests.browser.conftest import browser  # noqa: F401 - a fixture
from tests.browser.pages import DESKTOP
from tests.browser.pages import axe_violations
from tests.browser.pages import screenshot
from tests.collaboration.conftest import PASSWORD
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state

pytestmark = pytest.mark.slow

SIZE = 3 * 1024 * 1024 + 123
TIFF = b"II*\x00" + struct.pack("<I", 8)


def _bytes() -> bytes:
    return TIFF + b"\0" * (SIZE - len(TIFF))


@pytest.fixture
def case_url(functional_portal, tmp_path, monkeypatch):
    monkeypatch.setenv("TUS_TMP_FILE_DIR", str(tmp_path))
    make_user("emil", fullname="Emil Expert")
    case = make_case(functional_portal)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    api.portal.set_registry_record("cpms.uploads.resumable_threshold_mb", 1)
    api.portal.set_registry_record("cpms.uploads.chunk_size_mb", 1)
    transaction.commit()
    return case.absolute_url()


def test_a_large_file_goes_in_pieces_and_survives_a_failed_piece(
    functional_portal,
    case_url,
    browser,  # noqa: F811
):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{functional_portal.absolute_url()}/login")
    page.fill("#__ac_name", "emil")
    page.fill("#__ac_password", PASSWORD)
    page.click("#buttons-login")
    page.wait_for_load_state("networkidle")

    pieces, failed = [], []

    def route(request_route, request):
        if request.method == "PATCH":
            offset = int(request.headers.get("upload-offset", "0"))
            if offset > 0 and not failed:
                failed.append(offset)  # the connection drops on this piece
                return request_route.abort("connectionreset")
            pieces.append(offset)
        return request_route.continue_()

    page.route("**/@tus-upload/**", route)
    page.goto(f"{case_url}/++add++MedicalFile")
    page.fill("[name='form.widgets.IBasic.title']", "Whole-slide scan")
    page.set_input_files(
        "input[name='form.widgets.file']",
        files=[
            {
                "name": "scan.tif",
                "mimeType": "image/tiff",
                "buffer": TIFF + b"\0" * (SIZE - len(TIFF)),
            }
        ],
    )
    assert axe_violations(page) == []
    page.click("[name='form.buttons.save']")
    page.wait_for_url(lambda url: "++add++" not in url, timeout=60_000)
    assert failed == [1024 * 1024]
    assert pieces == [0, 1024 * 1024, 2 * 1024 * 1024, 3 * 1024 * 1024]
    assert page.locator("h1").first.inner_text() == "Whole-slide scan"
    screenshot(page, "upload/emil-large-file-done")
    context.close()
    transaction.begin()
    portal_url = functional_portal.absolute_url()
    case = functional_portal.unrestrictedTraverse(case_url[len(portal_url) + 1 :])
    (stored,) = [o for o in case.objectValues() if o.portal_type == "MedicalFile"]
    assert stored.file.getSize() == SIZE
    assert stored.title == "Whole-slide scan"
    assert stored.file.filename == "scan.tif"


def test_the_progress_is_shown_and_announced(functional_portal, case_url, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{functional_portal.absolute_url()}/login")
    page.fill("#__ac_name", "emil")
    page.fill("#__ac_password", PASSWORD)
    page.click("#buttons-login")
    page.wait_for_load_state("networkidle")
    held = []

    def route(request_route, request):
        # Hold the last piece so the page can be looked at mid-way.
        if request.method == "PATCH" and request.headers.get("upload-offset") == str(
            3 * 1024 * 1024
        ):
            held.append(request_route)
            return None
        return request_route.continue_()

    page.route("**/@tus-upload/**", route)
    page.goto(f"{case_url}/++add++MedicalFile")
    page.fill("[name='form.widgets.IBasic.title']", "Scan")
    page.set_input_files(
        "input[name='form.widgets.file']",
        files=[
            {
                "name": "scan.tif",
                "mimeType": "image/tiff",
                "buffer": TIFF + b"\0" * (SIZE - len(TIFF)),
            }
        ],
    )
    page.click("[name='form.buttons.save']")
    page.wait_for_function(
        "document.querySelector('#cpms-resumable-progress').value >= 90"
    )
    status = page.locator("#cpms-resumable-status")
    assert status.get_attribute("role") == "status"
    assert "% sent" in status.inner_text()
    screenshot(page, "upload/emil-large-file-progress")
    assert axe_violations(page) == []
    page.wait_for_timeout(200)
    held[0].continue_()
    page.wait_for_url(lambda url: "++add++" not in url, timeout=60_000)
    context.close()
