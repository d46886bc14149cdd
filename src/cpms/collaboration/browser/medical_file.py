"""Serving medical files: always as a download, never rendered in our origin.

A file uploaded by one user is opened by others; if a browser rendered it as a
page in the portal's origin, a script in it could act as that user.  The upload
check refuses HTML and SVG; these headers make sure that even a file that slips
through is saved, not run: attachment, nosniff and a sandboxing CSP.
"""

from plone.namedfile.browser import Download
from plone.namedfile.scaling import ImageScaling
from Products.Five.browser import BrowserView
from zExceptions import NotFound

SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}


def harden(response) -> None:
    for name, value in SAFE_HEADERS.items():
        response.setHeader(name, value)


class SafeDownload(Download):
    """@@download and @@display-file of a MedicalFile: attachment only."""

    def set_headers(self, file):
        super().set_headers(file)  # Download sets Content-Disposition: attachment
        harden(self.request.response)


class SafeImages(ImageScaling):
    """@@images of a MedicalFile: only the raster preview and its scales."""

    def publishTraverse(self, request, name):
        if not name.startswith("preview"):
            raise NotFound(self, name, request)
        return super().publishTraverse(request, name)

    def scale(self, fieldname=None, *args, **kwargs):
        if fieldname not in (None, "preview"):
            return None
        return super().scale("preview", *args, **kwargs)


class MedicalFileView(BrowserView):
    """The file's page: name, kind, size, thumbnail and a download button."""

    def size(self):
        value = self.context.file
        if value is None:
            return ""
        size = value.getSize()
        if size >= 1_048_576:
            return f"{size / 1_048_576:.1f} MB"
        return f"{max(1, size // 1024)} KB"

    def download_url(self):
        return f"{self.context.absolute_url()}/@@download/file"

    def thumbnail(self):
        if self.context.preview is None:
            return None
        images = self.context.restrictedTraverse("@@images")
        return images.tag("preview", scale="preview", alt="")
