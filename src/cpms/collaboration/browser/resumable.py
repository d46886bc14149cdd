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

from cpms.collaboration import uploads

TYPE = "MedicalFile"


class ResumableUploadViewlet(ViewletBase):
    def available(self) -> bool:
        if uploads.IResumableUploadForm.providedBy(self.view):
            return True
        ti = getattr(self.view, "ti", None)
        return ti is not None and ti.getId() == TYPE

    def settings(self) -> str:
        return json.dumps(
            {
                "endpoint": f"{self.context.absolute_url()}/@tus-upload",
                "threshold": uploads.threshold_bytes(),
                "chunkSize": uploads.chunk_bytes(),
                "maxSize": uploads.resumable_max_bytes(),
                "type": TYPE,
                "mode": getattr(self.view, "resumable_mode", "file"),
            }
        )

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
