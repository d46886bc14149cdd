"""The slide page (OpenSeadragon) and its Deep Zoom image and tiles.

Every tile is a request to ``@@deepzoom`` on the file, published with the
file's View permission like the file itself: whoever may not see the case
gets no tile. Answers are never cached by a browser or a proxy.
"""

import re

from Products.Five.browser import BrowserView
from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from cpms.imaging.slides import tiles

NO_STORE = "private, no-store, max-age=0"
TILE_NAME = re.compile(r"^(\d+)_(\d+)\.jpeg$")


def _private(response, content_type):
    response.setHeader("Content-Type", content_type)
    response.setHeader("Cache-Control", NO_STORE)
    response.setHeader("Pragma", "no-cache")
    response.setHeader("X-Content-Type-Options", "nosniff")


class SlideView(BrowserView):
    """The viewer page of a slide."""

    def __call__(self):
        _private(self.request.response, "text/html;charset=utf-8")
        return self.index()

    def title(self):
        return self.context.Title() or self.context.file.filename

    def case_url(self):
        return self.context.aq_parent.absolute_url()

    def dzi_url(self):
        return f"{self.context.absolute_url()}/@@deepzoom/slide.dzi"

    def static_url(self):
        portal_url = self.context.portal_url()
        return f"{portal_url}/++plone++cpms.imaging.slides"

    def dimensions(self):
        import openslide

        with openslide.OpenSlide(tiles.blob_path(self.context.file)) as slide:
            width, height = slide.dimensions
        return f"{width:,} × {height:,} pixels"


@implementer(IPublishTraverse)
class DeepZoom(BrowserView):
    """``slide.dzi`` and ``slide_files/<level>/<column>_<row>.jpeg``."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.parts = []

    def publishTraverse(self, request, name):
        self.parts.append(name)
        if len(self.parts) > 3:
            raise NotFound(name)
        return self

    def __call__(self):
        uid = self.context.UID()
        path = tiles.blob_path(self.context.file)
        response = self.request.response
        try:
            if self.parts == ["slide.dzi"]:
                body = tiles.dzi(uid, path)
                _private(response, "application/xml")
                return body
            if len(self.parts) == 3 and self.parts[0] == "slide_files":
                match = TILE_NAME.match(self.parts[2])
                if match and self.parts[1].isdigit():
                    data = tiles.tile(
                        uid,
                        path,
                        int(self.parts[1]),
                        int(match.group(1)),
                        int(match.group(2)),
                    )
                    _private(response, "image/jpeg")
                    return data
        except (ValueError, tiles.NotASlide):
            pass
        raise NotFound("/".join(self.parts) or "deepzoom")
