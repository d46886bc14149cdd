"""The "Add a file" form sends large files in pieces (TUS).

A viewlet on the MedicalFile add form of a case loads tus-js-client (make
vendor-upload-js) and ``static/resumable-upload.js`` with the limits of the
registry (``cpms.collaboration.uploads``). Files up to the threshold are sent
with the form as before; larger ones go to the case's ``@tus-upload`` in
pieces, resume after a dropped connection (also after a page reload: the
client remembers the upload), show their progress in a live region, and
open the new file's page when done.
"""

import json

from plone.app.layout.viewlets import ViewletBase

from cpms import _
from cpms.collaboration import uploads
from cpms.core.i18n import translate_here

TYPE = "MedicalFile"

# What the script shows, translated here (it has no catalogue of its own);
# ${name} parts are filled in by the script.
TEXTS = {
    "label": _("Upload progress"),
    "sending": _("Sending ${file} (${size}) in pieces."),
    "progress": _("${file}: ${percent}% sent (${sent} of ${total})."),
    "retry": _("The connection dropped; trying again from where it stopped."),
    "stopped": _("The upload stopped: ${error}"),
    "resuming": _("Going on with the upload of ${file} started before."),
    "too_big": _("${file} is ${size}; the limit is ${limit}."),
    "sent_file": _("Sent. Opening the file's page."),
    "again_file": _("Choose the file again to continue."),
    "sent_more": _("Sent. Sending the other files."),
    "sent_images": _("Sent. Opening the case's images."),
    "stored": _("Already stored: ${files}."),
    "again_files": _("Choose the files again to continue."),
}


class ResumableUploadViewlet(ViewletBase):
    def available(self) -> bool:
        if uploads.IResumableUploadForm.providedBy(self.view):
            return True
        ti = getattr(self.view, "ti", None)
        return ti is not None and ti.getId() == TYPE

    def texts(self) -> dict:
        return {key: translate_here(msg, self.request) for key, msg in TEXTS.items()}

    def settings(self) -> str:
        settings = json.dumps(
            {
                "endpoint": f"{self.context.absolute_url()}/@tus-upload",
                "threshold": uploads.threshold_bytes(),
                "chunkSize": uploads.chunk_bytes(),
                "maxSize": uploads.resumable_max_bytes(),
                "type": TYPE,
                "mode": getattr(self.view, "resumable_mode", "file"),
                "texts": self.texts(),
            }
        )
        # Inside <script>: a "</" in a translation must not end the element.
        return settings.replace("</", "<\\/")

    def index(self):
        if not self.available():
            return ""
        static = f"{self.site_url}/++plone++cpms.collaboration"
        return (
            f'<script src="{static}/tus/tus.min.js" defer></script>\n'
            f'<script id="cpms-resumable-upload" type="application/json">'
            f"{self.settings()}</script>\n"
            f'<script src="{static}/resumable-upload.js" defer></script>\n'
        )
