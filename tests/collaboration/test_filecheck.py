"""The medical file check judges the bytes, never the name or the claimed type."""

import io
import zipfile

import pytest

from cpms.collaboration.filecheck import FileRefused
from cpms.collaboration.filecheck import check

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG_IMAGE = _png()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "mimetype"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
        (PNG_IMAGE, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
        (b"\x00" * 128 + b"DICM" + b"\x02\x00" * 20, "application/dicom"),
        (
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (b"Lab values: Na 140 mmol/L; ok - 2 < 3", "text/plain"),
    ],
)
def test_accepted_types_are_recognised_from_content(data, mimetype):
    assert check(data).mimetype == mimetype


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (SVG_WITH_SCRIPT, "SVG images can contain scripts"),
        (b"<svg onload='alert(1)'/>", "SVG images can contain scripts"),
        (HTML_PAGE, "HTML, SVG or XML documents can contain scripts"),
        (b"  <html><img src=x onerror=alert(1)>", "can contain scripts"),
        (b"MZ\x90\x00\x03" + b"\x00" * 60 + b"PE\x00\x00", "are not accepted"),
        (b"", "The file is empty."),
    ],
)
def test_active_or_unknown_content_is_refused_with_a_reason(data, message):
    with pytest.raises(FileRefused, match=message):
        check(data)


def test_an_html_page_named_like_a_pdf_is_still_html():
    # The name and the browser's claim play no part: only bytes are passed.
    with pytest.raises(FileRefused, match="HTML"):
        check(HTML_PAGE)


def test_size_limit():
    with pytest.raises(FileRefused, match="limit is 1 MB"):
        check(b"%PDF-1.4" + b"0" * 1_048_576, max_bytes=1_048_576)
    assert check(b"%PDF-1.4" + b"0" * 1000, max_bytes=1_048_576)
