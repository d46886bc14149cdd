"""DICOM sent in pieces (``<case>/@tus-upload``): a zip of DICOM files, or
any file sent with the Upload-Metadata key ``images`` (``true``; the upload
page sends it), becomes an imaging import, like ``@@upload-images``.

An ``IUploadImporter`` of the collaboration slice (which does not import
this one): asked when the last piece of an upload arrives, before the file
would become a MedicalFile. The whole study goes through
``studies.import_files`` (de-identified, all or nothing); the uploader
confirms clean pixels with the Upload-Metadata key ``pixels_clean``
(``true``). A refusal names every refused file and the pieces are dropped.
"""

import os
import zipfile

from plone import api
from zope.globalrequest import getRequest
from zope.interface import provider

from cpms import _
from cpms.collaboration import uploads
from cpms.core import permissions
from cpms.imaging import studies

ZIP_MAGIC = b"PK\x03\x04"
OFFICE_MEMBERS = {"[Content_Types].xml", "mimetype"}
TRUE = {"1", "true", "yes", "on"}


def _head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(132)


def _plain_zip(path: str, head: bytes) -> bool:
    """A zip, not an office document (OOXML and ODF are zips too)."""
    if not head.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError):
        return True  # studies.expand names the file and why it cannot be read
    return not names & OFFICE_MEMBERS


def _flag(metadata: dict, key: str) -> bool:
    return str(metadata.get(key, "")).strip().lower() in TRUE


def pixels_clean(metadata: dict) -> bool:
    return _flag(metadata, "pixels_clean")


@provider(uploads.IUploadImporter)
def import_dicom(container, filename: str, path: str, metadata: dict):
    if getattr(container, "portal_type", None) != "Case":
        return None
    if metadata.get("@type", "MedicalFile") != "MedicalFile":
        return None
    # Sent as images (the upload page), anything is the imaging's to take or
    # refuse; else a plain zip is no medical file and can only be a study,
    # and a single DICOM stays a (de-identified) MedicalFile as "Add a file"
    # makes it.
    if not (_flag(metadata, "images") or _plain_zip(path, _head(path))):
        return None
    if not api.user.has_permission(permissions.ADD_MEDICAL_FILE, obj=container):
        return None
    if os.path.getsize(path) > studies.max_bytes():
        raise uploads.ImportRefused(
            [(filename, studies.over_limit(studies.max_bytes()))]
        )
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        imported = studies.import_files(
            container, [(filename or "upload", data)], pixels_clean(metadata)
        )
    except studies.UploadRefused as refused:
        raise uploads.ImportRefused(refused.refusals) from None
    titles = ", ".join(series.Title() for series in imported.series)
    api.portal.show_message(
        _(
            "${count} images de-identified and stored: ${series}.",
            mapping={"count": imported.images, "series": titles},
        ),
        request=getRequest(),
    )
    if len(imported.series) == 1:
        return imported.series[0].absolute_url()
    return container.absolute_url()
