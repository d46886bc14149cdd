"""Resumable uploads (TUS) of a case's files: the limits, and the marker of
the request in which the last piece of an upload becomes a file.

plone.restapi's ``@tus-upload`` endpoint keeps the pieces of an upload in a
directory on disk (``TUS_TMP_FILE_DIR``, else ``$CLIENT_HOME/tus-uploads``)
and, once the last one arrives, hands the whole file to the same field
deserializer as an ordinary upload: the file type, active-content and size
checks of ``MedicalFile.file`` and every subscriber of a new file run on it
as on any other. Only the size limit differs: a file sent in one request is
held to ``cpms.collaboration.medical_file_max_size_mb``, one sent in pieces
to ``cpms.uploads.max_size_mb``.
"""

from plone import api
from zope.component import getUtilitiesFor
from zope.globalrequest import getRequest
from zope.interface import Interface

RESUMABLE_MARKER = "cpms.resumable_upload"
DEFAULT_MAX_MB = 2048
DEFAULT_THRESHOLD_MB = 20
DEFAULT_CHUNK_MB = 8


def _record(name: str, default: int) -> int:
    try:
        return int(api.portal.get_registry_record(name, default=default))
    except (api.exc.InvalidParameterError, TypeError, ValueError):
        return default


def resumable_max_bytes() -> int:
    """The largest file accepted through ``@tus-upload``."""
    return _record("cpms.uploads.max_size_mb", DEFAULT_MAX_MB) * 1_048_576


def threshold_bytes() -> int:
    """Files above this size go through ``@tus-upload`` in the web UI."""
    return (
        _record("cpms.uploads.resumable_threshold_mb", DEFAULT_THRESHOLD_MB) * 1_048_576
    )


def chunk_bytes() -> int:
    """The size of one piece the web UI sends (below the boundary's body cap)."""
    return _record("cpms.uploads.chunk_size_mb", DEFAULT_CHUNK_MB) * 1_048_576


def mark_resumable(request) -> None:
    request.set(RESUMABLE_MARKER, True)


def resumable(request=None) -> bool:
    """Is this the request completing a resumable upload?"""
    request = request if request is not None else getRequest()
    return bool(request is not None and request.get(RESUMABLE_MARKER, False))


class IResumableUploadForm(Interface):
    """A page of another slice whose files above the threshold go in pieces
    (the "Add a file" viewlet's script serves it too; ``resumable_mode``
    says how: ``"images"`` sends every such file as images)."""


class IUploadImporter(Interface):
    """A slice that makes its own content of a finished resumable upload.

    Named utilities, asked in the order of their names before the upload
    becomes a file: the first that answers a URL has taken it (the imaging
    slice takes DICOM files and zips of them into a case). Collaboration
    does not import those slices; they register here.
    """

    def __call__(container, filename: str, path: str, metadata: dict):
        """None when the upload is not for this importer; else the URL of
        what was made. Raises ``ImportRefused`` when nothing was stored."""


class ImportRefused(ValueError):
    """Nothing was stored; ``refusals`` lists (file name, reason)."""

    def __init__(self, refusals: list[tuple[str, str]]):
        self.refusals = refusals
        super().__init__(
            "; ".join(f"{name}: {reason}" for name, reason in refusals[:20])
        )


def import_upload(container, filename: str, path: str, metadata: dict):
    """The URL of what an ``IUploadImporter`` made of the upload, or None."""
    for _name, importer in sorted(getUtilitiesFor(IUploadImporter)):
        made = importer(container, filename, path, metadata)
        if made is not None:
            return made
    return None
