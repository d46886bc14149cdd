"""The imaging pages: the series viewer, the DICOM bytes it reads, the
series thumbnail, the upload page and the case page's imaging block.

The DICOM bytes and thumbnails are served with the headers of the case's
file downloads (``DOWNLOAD_HEADERS``: attachment, nosniff, a sandboxing CSP,
private and never stored by a cache), to whoever may view the series, which
follows its case's security.
"""

import json

from plone import api
from plone.protect import CheckAuthenticator
from plone.protect.interfaces import IDisableCSRFProtection
from Products.Five.browser import BrowserView
from zExceptions import NotFound
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from cpms import _
from cpms.collaboration import uploads
from cpms.core import permissions
from cpms.imaging import studies

# As the case's medical files are served (collaboration's downloads):
# tests/imaging/test_dicom_views.py holds the two sets equal.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}

# The viewer's keys, shown on the page and bound in viewer.js.
KEYS = (
    ("Arrow up / Page up", "previous image of the series"),
    ("Arrow down / Page down", "next image of the series"),
    ("Home / End", "first / last image"),
    ("+ / -", "zoom in / out"),
    ("W", "window/level: drag, or Shift with the arrow keys"),
    ("Z", "zoom and pan: drag"),
    ("M", "measure a length: drag"),
    ("S", "scroll through the series: drag"),
    ("H / V", "flip horizontally / vertically"),
    ("R", "rotate by 90 degrees"),
    ("0", "reset the view"),
)


def _send(response, data: bytes, content_type: str, filename: str) -> bytes:
    response.setHeader("Content-Type", content_type)
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
    response.setHeader("Content-Length", str(len(data)))
    for name, value in DOWNLOAD_HEADERS.items():
        response.setHeader(name, value)
    return data


class SeriesView(BrowserView):
    """The series page: the viewer, its controls and what the series is."""

    keys = KEYS

    def count(self) -> int:
        return len(self.context.instances)

    def urls(self) -> list[str]:
        base = self.context.absolute_url()
        return [f"{base}/@@dicom/{index}" for index in range(self.count())]

    def urls_json(self) -> str:
        return json.dumps(self.urls())

    def static(self) -> str:
        return f"{api.portal.get().absolute_url()}/++plone++cpms.imaging"

    def import_map(self) -> str:
        base = self.static()
        return json.dumps(
            {
                "imports": {
                    "konva": f"{base}/shims/konva.js",
                    "jszip": f"{base}/shims/jszip.js",
                    "magic-wand-tool": f"{base}/shims/magic-wand.js",
                }
            }
        )

    def study_date(self) -> str:
        value = self.context.study_date or ""
        if len(value) == 8 and value.isdigit():
            return f"{value[:4]}-{value[4:6]}-{value[6:]}"
        return value

    def case_url(self) -> str:
        return self.context.__parent__.absolute_url()

    def confirmations(self) -> list[dict]:
        from cpms.core.users import fullname

        return [
            {"who": fullname(who), "when": when}
            for who, when in self.context.pixel_confirmations
        ]


@implementer(IPublishTraverse)
class DicomFile(BrowserView):
    """``<series>/@@dicom/<n>``: the n-th de-identified image of the series."""

    index = None

    def publishTraverse(self, request, name):
        if self.index is not None or not name.isdigit():
            raise NotFound(self, name, request)
        self.index = int(name)
        return self

    def __call__(self):
        ordered = self.context.ordered()
        if self.index is None or self.index >= len(ordered):
            raise NotFound(self, str(self.index), self.request)
        blob = ordered[self.index]
        return _send(
            self.request.response, blob.data, "application/dicom", blob.filename
        )


class Thumbnail(BrowserView):
    """``<series>/@@thumbnail``: the series' PNG (its middle image)."""

    def __call__(self):
        image = self.context.thumbnail
        if image is None:
            raise NotFound(self, "thumbnail", self.request)
        response = self.request.response
        data = _send(response, image.data, "image/png", "thumbnail.png")
        # An <img> of the portal's own pages shows it: inline, still private.
        response.setHeader("Content-Disposition", 'inline; filename="thumbnail.png"')
        return data


@implementer(uploads.IResumableUploadForm)
class UploadImagesView(BrowserView):
    """``<case>/@@upload-images``: DICOM files, a folder or a zip into the case.

    Files above the resumable threshold go in pieces to ``@tus-upload`` as
    images (collaboration's resumable-upload.js; ``imaging/resumable.py``
    takes them), the rest with the form.
    """

    resumable_mode = "images"

    errors: list = ()
    imported = None

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self.handle()
            if self.imported is not None:
                return self.request.response.redirect(self.context.absolute_url())
        return self.index()

    def _uploads(self) -> list[tuple[str, bytes]]:
        files = []
        for key in ("files", "folder", "archive"):
            values = self.request.form.get(key) or []
            if not isinstance(values, list):
                values = [values]
            for upload in values:
                filename = getattr(upload, "filename", "") or ""
                if not filename:
                    continue
                upload.seek(0)
                files.append((filename, upload.read()))
        return files

    def handle(self) -> None:
        files = self._uploads()
        confirmed = bool(self.request.form.get("pixels_clean"))
        try:
            self.imported = studies.import_files(self.context, files, confirmed)
        except studies.UploadRefused as refused:
            self.errors = refused.refusals
            # Nothing was stored: the request writes nothing but its answer.
            alsoProvides(self.request, IDisableCSRFProtection)
            return
        titles = ", ".join(series.Title() for series in self.imported.series)
        api.portal.show_message(
            _(
                "${count} images de-identified and stored: ${series}.",
                mapping={"count": self.imported.images, "series": titles},
            ),
            request=self.request,
        )


class CaseImaging(BrowserView):
    """The case page's imaging block: each series with its thumbnail."""

    def series(self) -> list:
        out = []
        for obj in self.context.objectValues():
            if getattr(obj, "portal_type", None) != studies.SERIES_TYPE:
                continue
            if not api.user.has_permission(permissions.VIEW, obj=obj):
                continue
            out.append(
                {
                    "title": obj.Title(),
                    "url": obj.absolute_url(),
                    "thumbnail": (
                        f"{obj.absolute_url()}/@@thumbnail" if obj.thumbnail else None
                    ),
                    "count": len(obj.instances),
                    "date": obj.study_date,
                }
            )
        return out

    def can_upload(self) -> bool:
        return api.user.has_permission(permissions.ADD_MEDICAL_FILE, obj=self.context)

    def upload_url(self) -> str:
        return f"{self.context.absolute_url()}/@@upload-images"

    def stylesheet(self) -> str:
        return f"{api.portal.get().absolute_url()}/++plone++cpms.imaging/viewer.css"
