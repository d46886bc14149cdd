"""PATCH @tus-upload/<id>: one piece of a resumable upload.

plone.restapi's own service, made strict where it trusts the client: a piece
must start where the stored part ends (``Upload-Offset`` as HEAD answers it;
409 otherwise, as the TUS protocol says) and may not run past the announced
length; when the last piece arrives, the file goes through the type's field
checks like any upload, and a refusal answers 400 in the portal's error
shape naming the file and the reason (plone.restapi's own answer is lost
behind a 204) and drops the stored pieces.
"""

import re

from plone.restapi.services.content.tus import UploadPatch as BaseUploadPatch
from zExceptions import BadRequest

from cpms import _
from cpms.collaboration import uploads
from cpms.core.concurrency import Conflict
from cpms.core.i18n import translate_here
from cpms.core.services import disable_csrf_check
from cpms.core.validation import text_problem

TITLE_MAX = 200


def _message(errors) -> str:
    """One line naming each field and its problem.

    plone.restapi's deserializer raises BadRequest with a list of
    ``{"message", "field", "error"}`` (older versions: the list's repr in a
    DeserializationError, answered by the TUS service as an error dict).
    """
    if isinstance(errors, str):
        found = _FIELD_ERROR.findall(errors)
        return "; ".join(f"{field}: {text}" for _, text, field in found) or errors
    if isinstance(errors, list):
        return "; ".join(
            f"{item.get('field', '')}: {item.get('message', '')}".lstrip(": ")
            for item in errors
            if isinstance(item, dict)
        )
    return str(errors)


_FIELD_ERROR = re.compile(r"'message': (['\"])(.*?)\1, 'field': '([^']*)'")


class UploadPatch(BaseUploadPatch):
    def reply(self):
        tus_upload = self.tus_upload()
        if tus_upload is None or not self.check_tus_version():
            return super().reply()
        # A piece needs headers (Tus-Resumable, Upload-Offset, its content
        # type) that no cross-site form can send without a CORS preflight:
        # the form token plone.protect asks of a cookie login is not needed.
        disable_csrf_check(self.request)
        uploads.mark_resumable(self.request)
        try:
            offset = int(self.request.getHeader("Upload-Offset", ""))
        except ValueError:
            offset = None
        try:
            piece = int(self.request.getHeader("Content-Length") or 0)
        except ValueError:
            piece = 0
        stored, length = tus_upload.offset(), tus_upload.length()
        if offset is not None:
            if stored == length and offset + piece == length and offset < stored:
                # Zope redoing the request that completed the upload (after a
                # ConflictError): the bytes are on disk, only the file is not.
                self.check_add_modify_permission(
                    tus_upload.metadata().get("mode", "create")
                )
                tus_upload.finished = True
                self.create_or_modify_content(tus_upload)
                self.request.response.setHeader("Tus-Resumable", "1.0.0")
                self.request.response.setHeader("Upload-Offset", str(stored))
                return self.reply_no_content()
            if offset != stored:
                # Translated here: Conflict's handler does not translate messages.
                raise Conflict(
                    translate_here(
                        _(
                            "Upload-Offset: ${stored} bytes are stored; send the "
                            "rest from there (HEAD answers the offset), not from "
                            "${offset}.",
                            mapping={"stored": stored, "offset": offset},
                        ),
                        self.request,
                    )
                )
            if offset + piece > length:
                raise BadRequest(
                    _(
                        "Upload-Offset: this piece ends at ${end} bytes, past "
                        "the announced Upload-Length of ${length}.",
                        mapping={"end": offset + piece, "length": length},
                    )
                )
        return super().reply()

    def create_or_modify_content(self, tus_upload):
        metadata = dict(tus_upload.metadata())
        if metadata.get("mode", "create") == "create" and self._imported(
            tus_upload, metadata
        ):
            return
        try:
            error = super().create_or_modify_content(tus_upload)
        except BadRequest as refused:
            error = {"error": {"message": refused.args[0] if refused.args else ""}}
        if error is not None:
            # The pieces are dropped: the file must be sent again, fixed.
            tus_upload.close()
            tus_upload.cleanup()
            raise BadRequest(_message(error["error"].get("message")))
        if metadata.get("mode", "create") == "create":
            self._set_title(metadata.get("title"))

    def _imported(self, tus_upload, metadata) -> bool:
        """Did another slice (``uploads.IUploadImporter``) take the upload?"""
        tus_upload.close()
        try:
            made = uploads.import_upload(
                self.context,
                metadata.get("filename", ""),
                tus_upload.filepath,
                metadata,
            )
        except uploads.ImportRefused as refused:
            # Nothing was stored: the pieces go, the files must come again.
            tus_upload.cleanup()
            raise BadRequest(
                _("files: ${refusals}", mapping={"refusals": str(refused)})
            ) from None
        if made is None:
            return False
        tus_upload.cleanup()
        self.request.response.setHeader("Location", made)
        return True

    def _set_title(self, title):
        """The title the upload page sent along (Upload-Metadata ``title``)."""
        location = self.request.response.getHeader("Location") or ""
        obj = self.context.get(location.rsplit("/", 1)[-1]) if location else None
        if not title or obj is None:
            return
        problem = text_problem(title, single_line=True, max_length=TITLE_MAX)
        if problem:
            raise BadRequest(_("title: ${problem}", mapping={"problem": problem}))
        obj.setTitle(title.strip())
        obj.reindexObject()
