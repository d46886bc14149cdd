"""What a medical file really is, judged from its bytes.

The browser's Content-Type and the file name are the uploader's claims and
are ignored: the bytes are sniffed (``filetype``: magic numbers).  Only
documents and raster images a panel needs are accepted; anything that a
browser could run (HTML, SVG, XML, JavaScript, Flash, executables) is refused.
"""

import re
from dataclasses import dataclass

import filetype

# mimetype -> what we call it in messages and in the "kind" of a file
DOCUMENTS = {
    "application/pdf": "PDF document",
    "application/dicom": "DICOM file",
    "application/msword": "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Word document"
    ),
    "application/vnd.ms-excel": "Excel workbook",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "Excel workbook"
    ),
    "application/vnd.ms-powerpoint": "PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint presentation"
    ),
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument presentation",
    "application/rtf": "RTF document",
    "text/plain": "text file",
}
# Raster images: these get thumbnails (plone.namedfile scales).
IMAGES = {
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "image/tiff": "TIFF image",
    "image/bmp": "BMP image",
}
PREVIEWABLE = {"image/jpeg", "image/png", "image/gif", "image/webp"}
ACCEPTED = DOCUMENTS | IMAGES

# Markup a browser would render (and run) if it ever treated text as a page.
ACTIVE_MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|"
    rb"style|img|a\s|form|\?xml|xsl)|javascript:",
    re.IGNORECASE,
)
SNIFF_BYTES = 8192


class FileRefused(ValueError):
    """The upload is not acceptable; the message says why, for the user."""


@dataclass(frozen=True)
class Verdict:
    mimetype: str
    label: str

    @property
    def previewable(self) -> bool:
        return self.mimetype in PREVIEWABLE


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the sniff boundary is still text.
        if error.start < len(head) - 4:
            return False
    return True


def check(data: bytes, max_bytes: int | None = None) -> Verdict:
    """The verdict on ``data``, or FileRefused with a message naming the problem."""
    size = len(data)
    if size == 0:
        raise FileRefused("The file is empty.")
    if max_bytes is not None and size > max_bytes:
        raise FileRefused(
            f"The file is {size / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.0f} MB."
        )
    head = data[:SNIFF_BYTES]
    kind = filetype.guess(head if len(data) > SNIFF_BYTES else data)
    if kind is None and len(data) > SNIFF_BYTES:
        # Office documents (zip) may need the whole archive to be recognised.
        kind = filetype.guess(data)
    if kind is not None:
        if kind.mime in ACCEPTED:
            return Verdict(kind.mime, ACCEPTED[kind.mime])
        raise FileRefused(
            f"Files of this type ({kind.mime}) are not accepted. Upload a PDF, "
            "an office document, a JPEG/PNG/GIF/WebP/TIFF image or a DICOM file."
        )
    if _looks_like_text(head):
        stripped = data.lstrip()[:SNIFF_BYTES]
        if ACTIVE_MARKUP.search(data):
            if stripped.startswith((b"<svg", b"<?xml")) or b"<svg" in stripped.lower():
                what = "SVG images"
            else:
                what = "HTML, SVG or XML documents"
            raise FileRefused(
                f"{what} can contain scripts and are not accepted. "
                "Convert the file to PDF (documents) or PNG/JPEG (images)."
            )
        return Verdict("text/plain", DOCUMENTS["text/plain"])
    raise FileRefused(
        "The type of this file could not be recognised from its content. "
        "Upload a PDF, an office document, an image or a DICOM file."
    )
