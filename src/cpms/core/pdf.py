"""Validation of uploaded PDF files (consent forms, newsletter issues).

A file is accepted as PDF when its bytes say so (the ``%PDF-`` signature,
checked with ``filetype``), whatever name or content type the browser sent:
visitors download these files, so a mislabelled upload must never get in.
"""

import filetype
from zope.schema import ValidationError

PDF_MIMETYPE = "application/pdf"


class NotAPDF(ValidationError):
    __doc__ = "The file must be a PDF document (its content is not PDF)."


def is_pdf(data: bytes) -> bool:
    kind = filetype.guess(data[:8192]) if data else None
    return kind is not None and kind.mime == PDF_MIMETYPE


def pdf_constraint(value) -> bool:
    """Schema constraint for NamedBlobFile fields that must hold a PDF."""
    if value is None:
        return True
    if not is_pdf(value.data):
        raise NotAPDF(value.filename)
    return True
