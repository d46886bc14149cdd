"""Two people writing the same thing at the same moment: a clear 409, never a 500.

Zope runs each request in one ZODB transaction. When two transactions write
the same object, the second to commit gets a ``ConflictError``; Zope then
redoes that request from the start, a few times (``max-conflict-retries``).
The portal's data structures keep independent writes from conflicting at
all (cpms.core.containers, cpms.core.audit, cpms.cases.case_id); what is
left are writes that really touch the same thing. Two answers here:

Optimistic concurrency, for edits. The REST content ``GET`` and ``PATCH``
of an item answer with an ``ETag``: a version made of one short digest per
field of the item. A client that sends it back as ``If-Match`` with its
``PATCH`` learns when a field it changes was changed by someone else since
it read the item: ``409 {"type": "Conflict", "message": "..."}``, the
message naming those fields and what they hold now, and nothing is saved.
Fields the client does not change may have changed meanwhile: the edit
merges. Without ``If-Match`` the last write wins, as plone.restapi does. The
web forms carry the same version (``version_of``/``changed_fields``) to show
the form again with what was typed and a message.

Zope's retries. What still conflicts are writes that meet in Plone's own
catalog (a BTree node that one of them splits, a date index shared by every
write of the same minute): those pass when the request is redone. Zope pauses
before each redo, doubling the pause each time (up to 1, 2, 4, 8, 16 s...);
``short_pause_before_retry`` keeps the pauses short (a quarter of a second,
doubling up to two seconds), so that the instance can redo a request more
often (``max-conflict-retries`` in zope.conf) without keeping anyone waiting
for a minute.

When Zope gives up. A ``ConflictError`` that is still there after Zope's
retries answers ``409`` too: on REST in the portal's error shape, in the web
UI as a page saying that nothing was saved, with a button that sends what
was typed again (every field of the form, as it was sent).
"""

import hashlib
import json
import logging
import random
import time
from html import escape
from urllib.parse import parse_qsl

from Acquisition import aq_base
from Acquisition import aq_inner
from plone.dexterity.interfaces import IDexterityContent
from plone.dexterity.utils import iterSchemata
from plone.rest.interfaces import IAPIRequest
from plone.transformchain.interfaces import ITransform
from Products.CMFCore.interfaces import IContentish
from Products.CMFCore.interfaces import ISiteRoot
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import HTTPConflict
from ZODB.utils import u64
from zope.component import adapter
from zope.component import queryMultiAdapter
from zope.component.hooks import getSite
from zope.interface import Interface
from zope.interface import implementer
from zope.schema import getFieldsInOrder

logger = logging.getLogger(__name__)

# A digest per field: 24 bits tell one value from another well enough here
# (a wrong "unchanged" needs the same field changed to a colliding value).
DIGEST_BYTES = 3
VERSION_PREFIX = "v1-"
# plone.rest names a content service after its method (no endpoint name).
CONTENT_SERVICES = {"GET": "GET_application_json_", "PATCH": "PATCH_application_json_"}
SHOWN_VALUE_MAX = 80
# Pauses before Zope redoes a request that conflicted (seconds).
FIRST_PAUSE = 0.25
LONGEST_PAUSE = 2.0
ITEM_VERSION = "cpms.item-version"  # the transform's name (concurrency.zcml)


class Conflict(HTTPConflict):
    """409: the request conflicts with a change someone else made.

    plone.rest's error view renders it as ``{"type": "Conflict", "message"}``
    (the status comes from the class name); its message says what changed.
    """


# --- versions of an item ------------------------------------------------------


def _fields(obj):
    for schema in iterSchemata(obj):
        adapted = schema(obj, None)
        if adapted is None:
            continue
        for name, field in getFieldsInOrder(schema):
            yield name, field, adapted


def _stable(value) -> str:
    """A text that changes when ``value`` changes, the same in every process."""
    base = aq_base(value) if hasattr(value, "aq_base") else value
    oid = getattr(base, "_p_oid", None)
    if oid is not None:  # a stored object (a file): its identity and version
        return f"persistent:{u64(oid)}:{u64(base._p_serial)}"
    raw = getattr(base, "raw", None)
    if isinstance(raw, str):  # RichTextValue
        return f"rich:{getattr(base, 'mimeType', '')}:{raw}"
    if isinstance(base, list | tuple | set | frozenset):
        items = [_stable(v) for v in base]
        return "[" + ",".join(sorted(items) if isinstance(base, set) else items) + "]"
    if isinstance(base, dict):
        return (
            "{" + ",".join(f"{k!r}:{_stable(v)}" for k, v in sorted(base.items())) + "}"
        )
    return f"{type(base).__name__}:{base!r}"


def _digest(value) -> str:
    text = _stable(value)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST_BYTES).hexdigest()


def field_digests(obj) -> dict[str, str]:
    """One digest per field of ``obj`` (all its schemata), by field name."""
    digests = {}
    for name, field, adapted in _fields(obj):
        try:
            value = field.get(adapted)
        except AttributeError:
            value = None
        digests[name] = _digest(value)
    return digests


def version_of(obj) -> str:
    """The version of ``obj``'s fields, as an opaque token (the ETag's value).

    The digests in field order, after a digest of the field names, so that a
    token made before the schema changed is recognised as such.
    """
    digests = field_digests(obj)
    names = _digest(tuple(digests))
    return VERSION_PREFIX + names + "".join(digests.values())


def value_digest(value) -> str:
    """The digest of one value, as a version holds it for its field."""
    return _digest(value)


def version_digests(obj, version: str) -> dict[str, str] | None:
    """The digest of each field in ``version`` (a version of ``obj``'s
    fields), by field name; None when it is not one."""
    names = [name for name, _field, _adapted in _fields(obj)]
    width = DIGEST_BYTES * 2
    body = version[len(VERSION_PREFIX) :] if version.startswith(VERSION_PREFIX) else ""
    if body[:width] != _digest(tuple(names)) or len(body) != width * (len(names) + 1):
        return None
    return {
        name: body[width * (index + 1) : width * (index + 2)]
        for index, name in enumerate(names)
    }


def changed_fields(obj, version: str) -> list[str] | None:
    """Fields of ``obj`` whose value changed since ``version`` was made.

    None when the token is not a version of this item's fields (another
    item, another schema, a made-up value): everything may have changed.
    """
    then = version_digests(obj, version)
    if then is None:
        return None
    return [name for name, digest in field_digests(obj).items() if then[name] != digest]


def shown_value(obj, name) -> str:
    """What field ``name`` of ``obj`` holds, short, for a message."""
    return _shown(obj, name)


def _shown(obj, name) -> str:
    for field_name, field, adapted in _fields(obj):
        if field_name == name:
            try:
                value = field.get(adapted)
            except AttributeError:
                value = None
            raw = getattr(value, "raw", None)
            text = raw if isinstance(raw, str) else value
            if isinstance(text, list | tuple | set):
                text = ", ".join(str(v) for v in text)
            text = "" if text is None else str(text)
            if len(text) > SHOWN_VALUE_MAX:
                text = text[: SHOWN_VALUE_MAX - 3] + "..."
            return json.dumps(text)
    return '""'


def conflict_message(obj, names, subject="Your change") -> str:
    """What changed, in words: each field someone else changed, as it is now."""
    what = "; ".join(f"{name}: now {_shown(obj, name)}" for name in names)
    return (
        f"{subject} was not saved: since you read {obj.Title() or obj.getId()}, "
        f"someone else changed what you change. {what}. Read it again and "
        "apply your change to what it holds now."
    )


# --- REST: ETag and If-Match ----------------------------------------------------


def _content_service(published, method):
    if getattr(published, "__name__", None) != CONTENT_SERVICES.get(method):
        return None
    context = getattr(published, "context", None)
    return context if IDexterityContent.providedBy(context) else None


def _etag(obj) -> str:
    return f'"{version_of(obj)}"'


def _if_match(request) -> list[str] | None:
    header = request.getHeader("If-Match")
    if not header:
        return None
    tags = [t.strip() for t in header.split(",")]
    return [t.removeprefix("W/").strip('"') for t in tags if t]


def check_if_match(event):
    """``IPubAfterTraversal``: a PATCH with ``If-Match`` that would overwrite
    someone else's change of the same field answers 409 before it runs."""
    request = event.request
    if request.get("REQUEST_METHOD") != "PATCH":
        return
    published = request.get("PUBLISHED")
    context = _content_service(published, "PATCH")
    versions = _if_match(request)
    if context is None or versions is None or "*" in versions:
        return
    # Only where the ETag is given (the transform is registered for the
    # portal's browser layer): another site's ETags mean something else.
    if queryMultiAdapter((published, request), ITransform, name=ITEM_VERSION) is None:
        return
    try:
        body = json.loads(request.get("BODY") or "{}")
    except ValueError:
        return  # the boundary answers 400 for it
    wanted = set(body) if isinstance(body, dict) else set()
    clashes = None
    for version in versions:
        changed = changed_fields(context, version)
        if changed is None:
            continue
        clashes = sorted(wanted & set(changed))
        if not clashes:
            return
    if clashes is None:  # no version of this item's fields
        raise Conflict(
            "Your change was not saved: If-Match does not name a version of "
            f"{context.Title() or context.getId()}. Read it again (its ETag) "
            "and send the version you read."
        )
    raise Conflict(conflict_message(context, clashes))


def _set_version(published, request):
    method = request.get("REQUEST_METHOD")
    context = _content_service(published, method)
    if context is not None and 200 <= request.response.getStatus() < 300:
        request.response.setHeader("ETag", _etag(context))


def version_after_patch(event):
    """``IPubBeforeCommit``: a PATCH answers with the item's new version (its
    204 goes through no transform)."""
    request = event.request
    if request.get("REQUEST_METHOD") != "PATCH":
        return
    published = request.get("PUBLISHED")
    if queryMultiAdapter((published, request), ITransform, name=ITEM_VERSION):
        _set_version(published, request)


@implementer(ITransform)
@adapter(Interface, Interface)
class ItemVersion:
    """Transform (after the caching policy): the ETag of a content GET
    answer. Caches may not store these answers (cpms.core.caching removes
    their validators); this ETag is the item's version for ``If-Match``,
    which the answers keep whatever their caching."""

    order = 12200

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def _apply(self):
        _set_version(self.published, self.request)
        return None

    def transformBytes(self, result, encoding):
        return self._apply()

    def transformUnicode(self, result, encoding):
        return self._apply()

    def transformIterable(self, result, encoding):
        return self._apply()


# --- Zope's retries ----------------------------------------------------------------


def short_pause_before_retry(self):
    """``HTTPRequest.delay_retry``: a random pause before Zope redoes a
    request that met a ConflictError, doubling from a quarter of a second up
    to two seconds (Zope's own doubles without a bound)."""
    longest = min(LONGEST_PAUSE, FIRST_PAUSE * 2**self.retry_count)
    time.sleep(random.uniform(0, longest))


# --- a ConflictError Zope gave up on ---------------------------------------------


def _nearest_content(request):
    for parent in request.get("PARENTS") or ():
        parent = getattr(parent, "context", parent)  # a REST service's content
        if IContentish.providedBy(parent) or ISiteRoot.providedBy(parent):
            return parent
    return None


def resend_fields(request) -> tuple[list[tuple[str, str]], bool]:
    """The fields of the request's form as it was sent, to send them again.

    URL-encoded forms are read back from the body, names as sent (with their
    ``:list`` and ``:record`` suffixes). Otherwise they are rebuilt from the
    parsed form; files cannot be: the second value says whether some were
    left out.
    """
    content_type = (request.getHeader("Content-Type") or "").split(";")[0].strip()
    stdin = getattr(request, "stdin", None)
    if content_type == "application/x-www-form-urlencoded" and stdin is not None:
        stdin.seek(0)
        body = stdin.read().decode("utf-8", "replace")
        return parse_qsl(body, keep_blank_values=True), False
    fields, files_left_out = [], False
    for name, value in request.form.items():
        values = value if isinstance(value, list | tuple) else [value]
        suffix = ":list" if isinstance(value, list | tuple) else ""
        for item in values:
            if hasattr(item, "filename") or hasattr(item, "read"):
                files_left_out = True
            elif hasattr(item, "items") and not isinstance(item, str):  # record
                fields += [(f"{name}.{k}:record", str(v)) for k, v in item.items()]
            else:
                fields.append((name + suffix, str(item)))
    return fields, files_left_out


class ConflictErrorView(BrowserView):
    """The answer to a ``ConflictError`` that Zope's retries did not resolve.

    Registered for our browser layer: REST requests get the 409 in the
    portal's error shape, pages a 409 page that keeps what was typed.
    """

    page = ViewPageTemplateFile("browser/templates/conflict.pt")

    def __call__(self):
        request = self.request
        self.content = _nearest_content(request)
        what = "this item"
        if self.content is not None:
            what = aq_inner(self.content).Title() or self.content.getId()
        self.message = (
            f"Not saved: someone else changed {what} at the same moment, "
            "several times over. Nothing of this request was saved; send it "
            "again."
        )
        logger.warning(
            "ConflictError not resolved by Zope's retries, answered 409: %s %s",
            request.get("REQUEST_METHOD"),
            request.get("ACTUAL_URL"),
        )
        response = request.response
        response.setStatus(409, lock=True)
        response.setHeader("Cache-Control", "private, no-store")
        if IAPIRequest.providedBy(request):
            response.setHeader("Content-Type", "application/json")
            body = {"type": "Conflict", "message": self.message}
            if self.content is not None:
                body["context"] = self.content.absolute_url()
            return json.dumps(body)
        self.fields, self.files_left_out = resend_fields(request)
        self.action = request.get("ACTUAL_URL") or request.getURL()
        query = request.get("QUERY_STRING")
        if query:
            self.action += "?" + query
        self.method = request.get("REQUEST_METHOD", "GET")
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        # The page is drawn in the site's layout, around the nearest content.
        self.context = self.content or getSite()
        try:
            return self.page()
        except Exception:  # noqa: BLE001 - the layout failed: say it plainly
            logger.exception("The conflict page could not be drawn in the layout")
            return self.plain_page()

    def plain_page(self) -> str:
        inputs = "".join(
            f'<input type="hidden" name="{escape(n)}" value="{escape(v)}">'
            for n, v in self.fields
        )
        return (
            "<!DOCTYPE html><html><head><title>Not saved yet</title></head><body>"
            f"<h1>Not saved yet</h1><p>{escape(self.message)}</p>"
            f'<form method="{escape(self.method)}" action="{escape(self.action)}">'
            f'{inputs}<button type="submit">Send again</button></form></body></html>'
        )
