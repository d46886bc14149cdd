"""POST @tus-upload: start a resumable upload, refused at once when too big.

plone.restapi's own service, with the checks that can be made before a byte
arrives: the announced size against ``cpms.uploads.max_size_mb``, a file
name, and a type that may be added here (a case's files are MedicalFiles
unless the client names another type).
"""

from base64 import b64decode

from plone.restapi.services.content.tus import UploadPost as BaseUploadPost
from zExceptions import BadRequest
from zExceptions import HTTPRequestEntityTooLarge

from cpms import _
from cpms.collaboration import uploads
from cpms.core.i18n import translate_here

DEFAULT_TYPE_IN_CASE = "MedicalFile"


class RequestEntityTooLarge(HTTPRequestEntityTooLarge):
    """413 in the portal's error shape (plone.rest takes the status from the
    class name, which Zope's own class spells with an HTTP prefix)."""


def parse_metadata(header: str) -> dict:
    """The Upload-Metadata header (``key base64value,...``) as a dict."""
    metadata = {}
    for item in (header or "").split(","):
        parts = item.split()
        if len(parts) == 2:
            try:
                metadata[parts[0].lower()] = b64decode(parts[1]).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                raise BadRequest(
                    _(
                        "Upload-Metadata: the value of ${key} is not base64 "
                        "of UTF-8 text.",
                        mapping={"key": parts[0]},
                    )
                ) from None
    return metadata


class UploadPost(BaseUploadPost):
    def reply(self):
        if not self.check_tus_version():
            return self.unsupported_version()
        limit = uploads.resumable_max_bytes()
        self.request.response.setHeader("Tus-Max-Size", str(limit))
        try:
            length = int(self.request.getHeader("Upload-Length", ""))
        except ValueError:
            raise BadRequest(
                _("Upload-Length: send the size of the whole file in bytes.")
            ) from None
        if length <= 0:
            raise BadRequest(_("Upload-Length: the file is empty."))
        metadata = parse_metadata(self.request.getHeader("Upload-Metadata", ""))
        filename = metadata.get("filename", "")
        if length > limit:
            sizes = {
                "filename": filename,
                "size": f"{length / 1_048_576:.1f}",
                "limit": f"{limit / 1_048_576:.0f}",
            }
            # Translated here: this error's handler does not translate messages.
            raise RequestEntityTooLarge(
                translate_here(
                    _(
                        "${filename} is ${size} MB; the limit is ${limit} MB.",
                        mapping=sizes,
                    )
                    if filename
                    else _(
                        "The file is ${size} MB; the limit is ${limit} MB.",
                        mapping=sizes,
                    ),
                    self.request,
                )
            )
        if not filename.strip():
            raise BadRequest(
                _("Upload-Metadata: give the file's name as filename (base64).")
            )
        if not self.__name__.endswith("@tus-replace"):
            self._check_type(metadata.get("@type"))
        return super().reply()

    def _check_type(self, portal_type):
        allowed = getattr(self.context, "allowedContentTypes", None)
        if allowed is None:
            return
        names = {fti.getId() for fti in allowed()}
        if portal_type is None:
            if DEFAULT_TYPE_IN_CASE in names and "File" not in names:
                # A case holds MedicalFiles: the upload becomes one.
                self.request.environ["HTTP_UPLOAD_METADATA"] = (
                    self.request.getHeader("Upload-Metadata", "")
                    + ",@type TWVkaWNhbEZpbGU="
                ).lstrip(",")
            return
        if portal_type not in names:
            if not names:
                raise BadRequest(
                    _(
                        "Upload-Metadata: a ${type} cannot be added here, nor "
                        "any other file.",
                        mapping={"type": portal_type},
                    )
                )
            raise BadRequest(
                _(
                    "Upload-Metadata: a ${type} cannot be added here; choose "
                    "one of ${types}.",
                    mapping={"type": portal_type, "types": ", ".join(sorted(names))},
                )
            )
