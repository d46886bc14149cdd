"""Validation of uploaded PDF files (consent forms, newsletter issues, medical files).

A file is accepted as PDF when its bytes say so (the ``%PDF-`` signature,
checked with ``filetype``), whatever name or content type the browser sent:
visitors download these files, so a mislabelled upload must never get in.

A PDF is also a program's container: it can run JavaScript when opened or
when a page or form field is touched, launch other programs, carry files of
any type, and hold XFA forms with scripts. ``active_content`` finds these
with pikepdf (qpdf) and the upload is *refused*, not rebuilt without them: a
rebuilt file would differ from what the sending hospital holds and signed
off, and a clinician would not know what was dropped. The sender is told
what was found and to print the document to PDF again ("Microsoft Print to
PDF", "Save as PDF"), which drops scripts, attachments and form logic.
"""

import io
import re

import filetype
import pikepdf
from zope.schema import ValidationError

from cpms import _
from cpms.core.i18n import translate_here

PDF_MIMETYPE = "application/pdf"

# Action types that leave the document: run code, start programs, load or
# send data, open embedded documents, play rich media.
DANGEROUS_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that starts another program",
    "/ImportData": "an action that loads outside data",
    "/SubmitForm": "a form that sends data away",
    "/GoToE": "an action that opens an embedded document",
    "/RichMediaExecute": "rich media that runs code",
}
# Byte patterns for a PDF too damaged for qpdf to read: readers are more
# forgiving than qpdf, so what they might still find is refused here.
RAW_MARKERS = {
    b"/JavaScript": "JavaScript",
    b"/JS": "JavaScript",
    b"/Launch": "an action that starts another program",
    b"/EmbeddedFile": "embedded files",
    b"/FileAttachment": "embedded files",
    b"/XFA": "an XFA form",
    b"/RichMedia": "rich media that runs code",
}
# What was found, as the person uploading reads it (``active_content`` keeps
# the English names, which tests and logs compare).
FOUND_NAMES = {
    "JavaScript": _("JavaScript"),
    "an action that starts another program": _("an action that starts another program"),
    "an action that loads outside data": _("an action that loads outside data"),
    "a form that sends data away": _("a form that sends data away"),
    "an action that opens an embedded document": _(
        "an action that opens an embedded document"
    ),
    "rich media that runs code": _("rich media that runs code"),
    "embedded files": _("embedded files"),
    "an XFA form": _("an XFA form"),
}


def found_text(found: list[str]) -> str:
    """``found`` (of ``active_content``) as one list in the request's language."""
    return ", ".join(translate_here(FOUND_NAMES.get(what, what)) for what in found)


_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class NotAPDF(ValidationError):
    __doc__ = "The file must be a PDF document (its content is not PDF)."


class ActivePDF(ValidationError):
    """The PDF carries something that runs or hides files; the message says what."""

    def doc(self):
        return str(self.args[0]) if self.args else "The PDF has active content."


def is_pdf(data: bytes) -> bool:
    kind = filetype.guess(data[:8192]) if data else None
    return kind is not None and kind.mime == PDF_MIMETYPE


def _walk(obj, seen, found):
    """Collect what is active in ``obj`` and what it reaches, each object once."""
    if isinstance(obj, pikepdf.Array):
        for item in obj:
            _walk(item, seen, found)
        return
    if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        return
    if obj.is_indirect:
        key = obj.objgen
        if key in seen:
            return
        seen.add(key)
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    keys = set(obj.keys())
    action = obj.get("/S")
    if isinstance(action, pikepdf.Name) and str(action) in DANGEROUS_ACTIONS:
        found.add(DANGEROUS_ACTIONS[str(action)])
    if "/JS" in keys:
        found.add("JavaScript")
    if obj.get("/Type") == pikepdf.Name("/EmbeddedFile") or "/EF" in keys:
        found.add("embedded files")
    if obj.get("/Subtype") == pikepdf.Name("/FileAttachment"):
        found.add("embedded files")
    if obj.get("/Subtype") in (pikepdf.Name("/RichMedia"), pikepdf.Name("/Movie")):
        found.add("rich media that runs code")
    if "/XFA" in keys:
        found.add("an XFA form")
    for name in keys:
        if name in ("/Parent", "/P"):
            continue  # back-references up the page tree: reached from the root
        _walk(obj.get(name), seen, found)


def _raw_markers(data: bytes) -> set[str]:
    plain = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return {what for marker, what in RAW_MARKERS.items() if marker in plain}


def active_content(source) -> list[str]:
    """What in the PDF ``source`` (bytes or a binary file) runs or hides files.

    An empty list is a PDF without scripts, launch actions, embedded files or
    XFA forms. The names of the document catalogue (``/Names /JavaScript``,
    ``/EmbeddedFiles``), its ``/OpenAction`` and ``/AA``, every page's and
    annotation's actions and every form field are reached from the root;
    objects no page reaches are read too, as a reader repairing the file
    might still find them.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    found: set[str] = set()
    try:
        with pikepdf.open(stream) as pdf:
            root = pdf.Root
            names = root.get("/Names")
            if isinstance(names, pikepdf.Dictionary):
                if "/JavaScript" in names:
                    found.add("JavaScript")
                if "/EmbeddedFiles" in names:
                    found.add("embedded files")
            seen: set = set()
            _walk(pdf.trailer, seen, found)
            for obj in pdf.objects:
                _walk(obj, seen, found)
    except (pikepdf.PdfError, ValueError, RecursionError):
        stream.seek(0)
        found |= _raw_markers(stream.read())
    return sorted(found)


def refusal(filename: str, found: list[str]) -> str:
    """The message for a PDF with active content, for the person uploading it."""
    mapping = {"filename": filename, "found": found_text(found)}
    if filename:
        return translate_here(
            _(
                "${filename} is refused: it contains ${found}. Open it and print "
                "it to a new PDF (Print, then Save as PDF), then upload that copy.",
                mapping=mapping,
            )
        )
    return translate_here(
        _(
            "The PDF is refused: it contains ${found}. Open it and print it to a "
            "new PDF (Print, then Save as PDF), then upload that copy.",
            mapping=mapping,
        )
    )


def pdf_constraint(value) -> bool:
    """Schema constraint for NamedBlobFile fields that must hold a PDF."""
    if value is None:
        return True
    if not is_pdf(value.data):
        raise NotAPDF(value.filename)
    found = active_content(value.open())
    if found:
        raise ActivePDF(refusal(value.filename, found))
    return True
