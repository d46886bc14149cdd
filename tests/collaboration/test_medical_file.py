"""Medical files: checked from their bytes; never run in the portal's origin."""

import base64

import transaction
from plone import api
from plone.namedfile.file import NamedBlobFile

from cpms.cases import states
from cpms.core.roles import PANEL_MEMBER
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state
from tests.collaboration.test_filecheck import HTML_PAGE
from tests.collaboration.test_filecheck import PNG_IMAGE
from tests.collaboration.test_filecheck import SVG_WITH_SCRIPT


def _case(portal):
    make_user("emil", fullname="Emil Expert")
    case = make_case(portal)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    return case


def _upload(session, case, data, filename, claimed_type):
    return session.post(
        case.absolute_url(),
        json={
            "@type": "MedicalFile",
            "title": filename,
            "file": {
                "data": base64.b64encode(data).decode(),
                "encoding": "base64",
                "filename": filename,
                "content-type": claimed_type,
            },
        },
    )


def test_html_and_svg_uploads_are_refused(functional_portal, rest):
    case = _case(functional_portal)
    transaction.commit()
    session = rest("emil")
    for data, filename, claimed in (
        (SVG_WITH_SCRIPT, "scan.svg", "image/svg+xml"),
        (SVG_WITH_SCRIPT, "scan.png", "image/png"),  # lies about the type
        (HTML_PAGE, "letter.pdf", "application/pdf"),  # lies about the name
        (HTML_PAGE, "letter.html", "text/html"),
    ):
        response = _upload(session, case, data, filename, claimed)
        assert response.status_code == 400, (filename, response.text)
        assert "can contain scripts and are not accepted" in response.text
        assert (
            '"field": "file"' in response.text or "file" in response.json()["message"]
        )
    transaction.begin()
    assert not [o for o in case.objectValues() if o.portal_type == "MedicalFile"]


def test_size_limit_from_the_registry(functional_portal, rest):
    case = _case(functional_portal)
    api.portal.set_registry_record("cpms.collaboration.medical_file_max_size_mb", 1)
    transaction.commit()
    big = b"%PDF-1.4\n" + b"0" * 1_100_000
    response = _upload(rest("emil"), case, big, "big.pdf", "application/pdf")
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.text


def test_accepted_files_get_their_type_from_content_and_a_thumbnail(
    functional_portal, rest
):
    case = _case(functional_portal)
    transaction.commit()
    session = rest("emil")
    # A PNG that the browser called text/html: stored as image/png.
    response = _upload(session, case, PNG_IMAGE, "xray.html", "text/html")
    assert response.status_code == 201, response.text
    item = session.get(response.json()["@id"]).json()
    assert item["file"]["content-type"] == "image/png"
    assert item["kind"] == "PNG image"
    thumb = session.get(f"{response.json()['@id']}/@@images/preview/thumb")
    assert thumb.status_code == 200
    assert thumb.headers["Content-Type"] == "image/png"
    # DICOM is recognised from its content and kept as a document (no preview).
    dicom = b"\x00" * 128 + b"DICM" + b"\x02\x00" * 20
    response = _upload(session, case, dicom, "ct.dcm", "application/octet-stream")
    assert response.status_code == 201, response.text
    assert session.get(response.json()["@id"]).json()["kind"] == "DICOM file"


def test_any_stored_file_is_served_as_attachment_with_nosniff(functional_portal, rest):
    """Defence in depth: even active content stored behind the check's back
    (an old import, a bug) is only ever downloaded, never rendered."""
    case = _case(functional_portal)
    with api.env.adopt_user(username="admin"):
        obj = api.content.create(
            container=case,
            type="MedicalFile",
            id="smuggled",
            title="smuggled",
            file=NamedBlobFile(b"%PDF-1.4 placeholder", filename="x.pdf"),
        )
        html = api.content.create(
            container=case,
            type="MedicalFile",
            id="smuggled-html",
            title="smuggled html",
            file=NamedBlobFile(b"%PDF-1.4 placeholder", filename="y.pdf"),
        )
    # Replace the bytes and type directly, as a bug or an import could.
    obj.file = NamedBlobFile(
        SVG_WITH_SCRIPT, contentType="image/svg+xml", filename="x.svg"
    )
    html.file = NamedBlobFile(HTML_PAGE, contentType="text/html", filename="y.html")
    transaction.commit()

    session = rest("emil")
    rest_file = session.get(obj.absolute_url()).json()["file"]
    urls = [
        f"{obj.absolute_url()}/@@download/file",
        f"{obj.absolute_url()}/@@download/file/x.svg",
        f"{obj.absolute_url()}/@@display-file/file",
        f"{obj.absolute_url()}/@@display-file/file/x.svg",
        rest_file["download"],
        f"{html.absolute_url()}/@@download/file",
        f"{html.absolute_url()}/@@display-file/file",
        f"{html.absolute_url()}/@@display-file/file/y.html",
    ]
    browser = rest("emil")
    browser.headers["Accept"] = "text/html"
    for url in urls:
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Disposition"].startswith("attachment"), url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "sandbox" in csp, url
    # The item's own URL is its page, not the file; image scales of the
    # file field do not exist (only the raster preview has scales).
    page = browser.get(obj.absolute_url())
    assert "<script>alert" not in page.text
    assert browser.get(f"{obj.absolute_url()}/@@images/file").status_code == 404
