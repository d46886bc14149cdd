"""What a medical file really is, judged from its bytes.

The browser's Content-Type and the file name are the uploader's claims and
are ignored: the bytes are sniffed (``filetype``: magic numbers).  Only
documents and raster images a panel needs are accepted; anything that a
browser could run (HTML, SVG, XML, JavaScript, Flash, executables) is refused.

Documents that run code in the program that opens them are refused too:
PDFs with JavaScript, launch actions, embedded files or XFA forms
(``cpms.core.pdf.active_content``, pikepdf), office files with VBA macros
(oletools' olevba) or embedded OLE objects (oletools' oleobj), OpenDocument
files with macros or embedded objects, RTF with embedded objects. They are
refused rather than cleaned, so what is stored is what the sender has; the
message names the file and what was found.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass

import filetype
import olefile

from cpms import _
from cpms.core import pdf
from cpms.core.i18n import translate_here

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


# Office formats that are zip packages or OLE compound files.
OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
OLE_OFFICE = {"application/msword", "application/vnd.ms-excel"}
OLE_OFFICE |= {"application/vnd.ms-powerpoint"}
MACRO_ADVICE = _(
    "Save it again without macros (as .docx, .xlsx or .pptx, or as PDF), "
    "then upload that copy."
)
OBJECT_ADVICE = _(
    "Save the embedded object as a file of its own and upload it separately, "
    "or save the document as PDF."
)
# What an office file was refused for, as whole sentences (translators get
# no fragments to glue together).
FOUND_IN_OFFICE = {
    "macros": _("It contains macros."),
    "an embedded object (OLE)": _("It contains an embedded object (OLE)."),
}
FOUND_BOTH_IN_OFFICE = _("It contains macros and an embedded object (OLE).")


class FileRefused(ValueError):
    """The upload is not acceptable; the message says why, for the user.

    Its message is plain text in the request's language (callers take
    ``str()`` of it), hence ``translate_here`` where it is raised.
    """


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


def _office_problems(mimetype: str, data: bytes) -> list[tuple[str, str]]:
    """(what was found, how to fix it) for macros and embedded objects."""
    from oletools import oleobj
    from oletools import olevba

    problems = []
    names: list[str] = []
    if zipfile.is_zipfile(io.BytesIO(data)):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                types = (
                    archive.read("[Content_Types].xml")
                    if "[Content_Types].xml" in names
                    else b""
                )
        except (zipfile.BadZipFile, KeyError, RuntimeError):
            raise FileRefused(
                translate_here(
                    _(
                        "The document could not be read (a damaged or encrypted "
                        "archive)."
                    )
                )
            ) from None
        lowered = [name.lower() for name in names]
        if (
            any(name.endswith("vbaproject.bin") for name in lowered)
            or b"macroEnabled" in types
            or any(name.startswith(("basic/", "scripts/")) for name in lowered)
        ):
            problems.append(("macros", MACRO_ADVICE))
    # olevba knows Word, Excel and PowerPoint, OLE and OOXML; its own logging
    # would put every upload's analysis into the instance's event log.
    logging.getLogger("olevba").setLevel(logging.CRITICAL)
    logging.getLogger("oleobj").setLevel(logging.CRITICAL)
    try:
        parser = olevba.VBA_Parser("upload", data=data)
        try:
            macros = parser.detect_vba_macros()
        finally:
            parser.close()
    except Exception:  # noqa: BLE001 - olevba fails in many ways on odd files
        macros = False
    if macros and not problems:
        problems.append(("macros", MACRO_ADVICE))
    # Embedded objects: OLE compound files anywhere in a package other than
    # the macro project counted above (embedded documents, packaged files,
    # ActiveX controls), or an OLE document's own object storages.
    embedded = False
    if names:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in names:
                if name.lower().endswith("vbaproject.bin") or name.endswith("/"):
                    continue
                with archive.open(name) as member:
                    if member.read(len(olefile.MAGIC)) == olefile.MAGIC:
                        embedded = True
                        break
    if not names and olefile.isOleFile(data):
        # Word keeps embedded objects in ObjectPool, Excel in MBD storages;
        # packaged files anywhere are an Ole10Native stream.
        for ole in oleobj.find_ole("upload", data):
            if ole is None:
                continue
            for entry in ole.listdir(streams=True, storages=True):
                top, last = entry[0].lower(), entry[-1].lower()
                if (
                    top == "objectpool"
                    or top.startswith("mbd")
                    or last == "\x01ole10native"
                ):
                    embedded = True
    if embedded:
        problems.append(("an embedded object (OLE)", OBJECT_ADVICE))
    return problems


def _active_content(mimetype: str, opener) -> None:
    """Refuse documents that run code or hide other files."""
    if mimetype == pdf.PDF_MIMETYPE:
        with opener() as stream:
            found = pdf.active_content(stream)
        if found:
            raise FileRefused(
                translate_here(
                    _(
                        "It contains ${found}. Open it and print it to a new PDF "
                        "(Print, then Save as PDF), then upload that copy.",
                        mapping={"found": pdf.found_text(found)},
                    )
                )
            )
        return
    if mimetype in OOXML | ODF | OLE_OFFICE:
        with opener() as stream:
            data = stream.read()
        problems = _office_problems(mimetype, data)
        if problems:
            kinds = list(dict.fromkeys(kind for kind, _advice in problems))
            found = (
                FOUND_BOTH_IN_OFFICE if len(kinds) > 1 else FOUND_IN_OFFICE[kinds[0]]
            )
            advice = dict.fromkeys(advice for _kind, advice in problems)
            raise FileRefused(
                " ".join(translate_here(sentence) for sentence in (found, *advice))
            )
    if mimetype == "application/rtf":
        from oletools import rtfobj

        with opener() as stream:
            data = stream.read()
        parser = rtfobj.RtfObjParser(data)
        parser.parse()
        if parser.objects:
            raise FileRefused(
                " ".join(
                    translate_here(sentence)
                    for sentence in (
                        FOUND_IN_OFFICE["an embedded object (OLE)"],
                        OBJECT_ADVICE,
                    )
                )
            )


def check(data: bytes, max_bytes: int | None = None, filename: str = "") -> Verdict:
    """The verdict on ``data``, or FileRefused with a message naming the problem
    (and the file, when its name is given)."""
    return _named(
        filename,
        _check,
        data[:SNIFF_BYTES],
        len(data),
        lambda: io.BytesIO(data),
        max_bytes,
    )


def check_file(value, max_bytes: int | None = None) -> Verdict:
    """The verdict on a NamedBlobFile, reading its blob in pieces: a file of
    hundreds of megabytes (a resumable upload) is not read into memory."""
    with value.open() as stream:
        head = stream.read(SNIFF_BYTES)
    return _named(
        value.filename or "", _check, head, value.getSize(), value.open, max_bytes
    )


def _named(filename, function, *args):
    try:
        return function(*args)
    except FileRefused as refused:
        if filename:
            raise FileRefused(
                translate_here(
                    _(
                        "${filename} is refused. ${reason}",
                        mapping={"filename": filename, "reason": str(refused)},
                    )
                )
            ) from None
        raise


def _has_active_markup(opener) -> bool:
    """ACTIVE_MARKUP anywhere in the file, read in overlapping pieces."""
    tail = b""
    with opener() as stream:
        while True:
            piece = stream.read(1 << 20)
            if not piece:
                return False
            if ACTIVE_MARKUP.search(tail + piece):
                return True
            tail = piece[-64:]


def _check(head: bytes, size: int, opener, max_bytes: int | None) -> Verdict:
    if size == 0:
        raise FileRefused(translate_here(_("The file is empty.")))
    if max_bytes is not None and size > max_bytes:
        raise FileRefused(
            translate_here(
                _(
                    "The file is ${size} MB; the limit is ${limit} MB.",
                    mapping={
                        "size": f"{size / 1_048_576:.1f}",
                        "limit": f"{max_bytes / 1_048_576:.0f}",
                    },
                )
            )
        )
    # filetype reads no more than the first 8192 bytes, whatever it is given.
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in ACCEPTED:
            _active_content(kind.mime, opener)
            return Verdict(kind.mime, ACCEPTED[kind.mime])
        raise FileRefused(
            translate_here(
                _(
                    "Files of this type (${mimetype}) are not accepted. Upload a "
                    "PDF, an office document, a JPEG/PNG/GIF/WebP/TIFF image or a "
                    "DICOM file.",
                    mapping={"mimetype": kind.mime},
                )
            )
        )
    if _looks_like_text(head):
        stripped = head.lstrip()
        if _has_active_markup(opener):
            if stripped.startswith((b"<svg", b"<?xml")) or b"<svg" in stripped.lower():
                refusal = _(
                    "SVG images can contain scripts and are not accepted. "
                    "Convert the file to PDF (documents) or PNG/JPEG (images)."
                )
            else:
                refusal = _(
                    "HTML, SVG or XML documents can contain scripts and are not "
                    "accepted. Convert the file to PDF (documents) or PNG/JPEG "
                    "(images)."
                )
            raise FileRefused(translate_here(refusal))
        return Verdict("text/plain", DOCUMENTS["text/plain"])
    raise FileRefused(
        translate_here(
            _(
                "The type of this file could not be recognised from its "
                "content. Upload a PDF, an office document, an image or a DICOM "
                "file."
            )
        )
    )
