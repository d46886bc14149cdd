"""A medical file that OpenSlide reads becomes a slide; a changed or removed
one leaves nothing in the tile cache."""

from plone.namedfile.file import NamedBlobImage
from zope.interface import alsoProvides
from zope.interface import noLongerProvides

from cpms.imaging.slides import tiles
from cpms.imaging.slides.interfaces import ISlide

KIND = "Whole-slide image"
TIFF = "image/tiff"


def file_stored(obj, event):
    """After the collaboration slice set the file's type from its bytes."""
    tiles.forget(obj.UID())
    value = getattr(obj, "file", None)
    if value is None or value.contentType != TIFF:
        if ISlide.providedBy(obj):
            noLongerProvides(obj, ISlide)
            obj.reindexObject(idxs=["object_provides"])
        return
    path = tiles.blob_path(value)
    if not tiles.is_slide(path):
        return
    alsoProvides(obj, ISlide)
    obj.kind = KIND
    obj.preview = NamedBlobImage(
        data=tiles.thumbnail_png(path),
        contentType="image/png",
        filename="slide-preview.png",
    )
    obj.reindexObject(idxs=["object_provides"])


def file_removed(obj, event):
    tiles.forget(obj.UID())
