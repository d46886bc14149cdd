"""UID redirects and links that resolve only for people who may view.

Plone's own classes, with one check added where they look the UID up
(cpms.identity.uids): an object the user may not view answers as a UID that
does not exist.
"""

from plone.app.uuid.browser import RedirectToUUIDView
from plone.outputfilters.browser.resolveuid import ResolveUIDView
from plone.outputfilters.filters.resolveuid_and_caption import (
    ResolveUIDAndCaptionFilter,
)
from zExceptions import NotFound

from cpms.identity.uids import is_public
from cpms.identity.uids import visible_object

BROKEN = "The link you followed is broken"


class ResolveUID(ResolveUIDView):
    """``/resolveuid/<uid>`` and ``@@resolveuid/<uid>``."""

    def __call__(self):
        obj = visible_object(self.uuid)
        if obj is None:
            raise NotFound(BROKEN)
        url = obj.absolute_url()
        if self.subpath:
            url = "/".join([url, *self.subpath])
        if self.request.QUERY_STRING:
            url += "?" + self.request.QUERY_STRING
        self.request.response.redirect(url, status=301)
        return ""


class RedirectToUUID(RedirectToUUIDView):
    """``@@redirect-to-uuid/<uid>`` (plone.app.uuid)."""

    def __call__(self):
        if self.uuid is None:
            raise NotFound(BROKEN)
        obj = visible_object(self.uuid)
        if obj is None:
            raise NotFound(BROKEN)
        self.request.response.redirect(obj.absolute_url())
        return ""


class ResolveUIDAndCaption(ResolveUIDAndCaptionFilter):
    """Rich text's ``resolveuid/<uid>`` links and images.

    The transformed text is cached once for every reader (portal_transforms
    keeps it on the field's value), so what it holds may not depend on who
    read it first: a link is resolved here only to an object anyone may
    view. Any other stays ``resolveuid/<uid>``, exactly as a link to a UID
    that does not exist, and the ``resolveuid`` view resolves it when it is
    followed, for each reader: to the object for its people, 404 for others.
    """

    def resolve_link(self, href):
        obj, subpath, appendix = super().resolve_link(href)
        if obj is None or is_public(obj):
            return obj, subpath, appendix
        # Resolve again without UIDs: the link as written, nothing found.
        resolve_uids, self.resolve_uids = self.resolve_uids, False
        try:
            return super().resolve_link(href)
        finally:
            self.resolve_uids = resolve_uids
