"""WebDAV: off unless the operator turns it on, and never on cases.

Zope answers WebDAV for every object by itself (``webdav.Resource``:
PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK, and its own PUT,
DELETE, OPTIONS and ``manage_DAVget``), and Plone gives "WebDAV access" to
every logged-in user. A PROPFIND answers with an object's id and title, and
with Depth 1 those of every child, asking nobody whether the user may view
them: a case's id and its meetings' titles went to any member. The portal has
no WebDAV client; its people work in the browser and integrators through
plone.restapi.

So, as the request enters the site, a WebDAV method is refused with 405,
whatever the URL (an outsider cannot even tell a case's URL from an unknown
one), unless the operator sets ``CPMS_WEBDAV=on`` in the environment of the
Zope process (docs/deployment.md). Then WebDAV works for the public sections,
still never on the cases folder, a case or anything inside one, and never
with ``Depth: infinity`` (a walk from the site's root would reach the cases).
After traversal, Zope's own WebDAV handlers of PUT, DELETE, OPTIONS and
``manage_DAVget`` (the same HTTP verbs also reach plone.restapi's services,
which stay) are refused on the same terms.
"""

import os
from urllib.parse import urlsplit

from Acquisition import aq_base
from plone.base.interfaces import IPloneSiteRoot
from zExceptions import MethodNotAllowed

from cpms.cases.content.case import ICase
from cpms.cases.interfaces import ICaseItem
from cpms.cases.setup import CASES_FOLDER

SWITCH = "CPMS_WEBDAV"
# Methods only WebDAV uses: refused before anything is looked up.
DAV_METHODS = frozenset(
    {"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"}
)
# Zope's WebDAV handlers on content, published for these names.
DAV_HANDLERS = DAV_METHODS | {"PUT", "DELETE", "OPTIONS", "TRACE", "manage_DAVget"}
MESSAGE = "WebDAV is not available here."


def webdav_enabled() -> bool:
    """True when the operator turned WebDAV on (``CPMS_WEBDAV=on``)."""
    return os.environ.get(SWITCH, "").strip().lower() in {"1", "on", "true", "yes"}


def is_cases_area(obj) -> bool:
    """A case, an item inside one, or the folder that holds the cases."""
    if ICase.providedBy(obj) or ICaseItem.providedBy(obj):
        return True
    parent = getattr(obj, "__parent__", None)
    return (
        getattr(aq_base(obj), "getId", None) is not None
        and obj.getId() == CASES_FOLDER
        and IPloneSiteRoot.providedBy(parent)
    )


def _destination_in_cases(request) -> bool:
    """COPY and MOVE name their target in a header: never into the cases."""
    destination = request.get_header("Destination")
    if not destination:
        return False
    site = next(
        (o for o in request.get("PARENTS", ()) if IPloneSiteRoot.providedBy(o)), None
    )
    if site is None:
        return False
    site_path = site.absolute_url_path().rstrip("/")
    path = urlsplit(destination).path
    if path.startswith(site_path):
        path = path[len(site_path) :]
    return path.strip("/").split("/")[0] == CASES_FOLDER


def refuse_webdav_methods(site, event):
    """Entering the site: a WebDAV-only method, while WebDAV is off, gets 405.

    Before the site looks anything up in itself, so every URL answers alike.
    (Not at IPubStart: Zope cannot render an error raised there.)
    """
    request = event.request
    method = (request.get("REQUEST_METHOD") or "GET").upper()
    if method not in DAV_METHODS:
        return
    if not webdav_enabled():
        raise MethodNotAllowed(MESSAGE)
    if method == "PROPFIND" and request.get_header("Depth", "infinity") == "infinity":
        # No walk of a whole tree: it would pass through the cases.
        raise MethodNotAllowed(MESSAGE)


def refuse_webdav_handlers(event):
    """IPubAfterTraversal: Zope's WebDAV handlers, off or on a case."""
    request = event.request
    published = request.get("PUBLISHED")
    name = getattr(published, "__name__", None)
    owner = getattr(published, "__self__", None)
    if owner is None or name not in DAV_HANDLERS:
        return  # a page, a REST service: not WebDAV
    if not webdav_enabled():
        raise MethodNotAllowed(MESSAGE)
    if any(is_cases_area(obj) for obj in (owner, *request.get("PARENTS", ()))):
        raise MethodNotAllowed(MESSAGE)
    if name in {"COPY", "MOVE"} and _destination_in_cases(request):
        raise MethodNotAllowed(MESSAGE)
