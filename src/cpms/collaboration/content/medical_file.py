"""MedicalFile: a document or image of a case, checked from its bytes."""

from plone import api
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.namedfile.field import NamedBlobImage
from plone.namedfile.file import NamedBlobImage as NamedBlobImageValue
from plone.supermodel import model
from plone.supermodel.directives import primary
from zope.component import getUtilitiesFor
from zope.interface import Interface
from zope.interface import implementer
from zope.schema import ValidationError

from cpms import _
from cpms.cases.interfaces import ICaseItem
from cpms.collaboration import filecheck
from cpms.collaboration import uploads
from cpms.core.validation import TextLine
from cpms.core.validation import no_identifiers

DEFAULT_MAX_MB = 50


class MedicalFileRefused(ValidationError):
    """The message names the problem with the uploaded file."""

    def doc(self):
        return str(self.args[0]) if self.args else "The file is not accepted."


def max_bytes() -> int:
    megabytes = api.portal.get_registry_record(
        "cpms.collaboration.medical_file_max_size_mb", default=DEFAULT_MAX_MB
    )
    return int(megabytes) * 1_048_576


def check_upload(value) -> bool:
    """Field constraint: runs in the edit form and in REST alike (and for a
    resumable upload once its last piece arrived, with that limit)."""
    # The file's name is shown and downloaded with it: "Scan of John Doe.pdf"
    # names the patient as well as a title would.
    # Read without its extension and with "_" as spaces ("Mario_Rossi.pdf").
    filename = getattr(value, "filename", None) or ""
    no_identifiers("File name")(filename.rsplit(".", 1)[0].replace("_", " "))
    limit = uploads.resumable_max_bytes() if uploads.resumable() else max_bytes()
    try:
        filecheck.check_file(value, limit)
        # Checks of slices above (imaging: DICOM with burned-in text), which
        # this slice may not import: named utilities, FileRefused as here.
        for _name, check in getUtilitiesFor(IMedicalFileCheck):
            check(value)
    except filecheck.FileRefused as refused:
        raise MedicalFileRefused(str(refused)) from None
    return True


class IMedicalFileCheck(Interface):
    """A further check of an uploaded medical file (a callable utility that
    raises ``filecheck.FileRefused`` with the message for the uploader)."""


class IMedicalFile(model.Schema):
    primary("file")
    file = NamedBlobFile(
        title=_("File"),
        description=_(
            "A PDF, office document, image (JPEG, PNG, GIF, WebP, TIFF) or DICOM "
            "file. The type is checked from the file's content; HTML and SVG are "
            "refused. Files are always downloaded, never opened in the portal."
        ),
        required=True,
        constraint=check_upload,
    )

    # Derived from the content when the file is stored: not editable.
    directives.omitted("kind", "preview")
    kind = TextLine(title=_("Kind of file"), required=False, readonly=True)
    preview = NamedBlobImage(title=_("Preview"), required=False, readonly=True)


@implementer(IMedicalFile, ICaseItem)
class MedicalFile(Item):
    kind = None
    preview = None


def normalize(obj) -> None:
    """Trust the bytes, not the browser: set the content type from the sniffed
    type, and keep a preview copy of raster images for thumbnails."""
    value = obj.file
    if value is None:
        return
    verdict = filecheck.check_file(value)
    value.contentType = verdict.mimetype
    obj.kind = verdict.label
    if verdict.previewable:
        obj.preview = NamedBlobImageValue(
            data=value.data, contentType=verdict.mimetype, filename=value.filename
        )
    else:
        obj.preview = None
