"""Plain text out of rich text, for search indexes and summaries."""

from plone.app.textfield.interfaces import IRichTextValue
from plone.base.utils import safe_text
from Products.CMFCore.utils import getToolByName


def plain_text(context, value) -> str:
    """The words of a RichTextValue (markup removed, whitespace collapsed)."""
    if not IRichTextValue.providedBy(value) or not value.raw:
        return ""
    transforms = getToolByName(context, "portal_transforms")
    data = transforms.convertTo(
        "text/plain", safe_text(value.raw), mimetype=value.mimeType
    )
    return " ".join(safe_text(data.getData() if data else "").split())


def shorten(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 3].rsplit(" ", 1)[0] + "..."
