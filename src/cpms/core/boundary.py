"""The portal's boundary: malformed requests answer 4xx, never 500.

One place for what every request must be before any service or form sees
it. Two publication-event subscribers (registered in the core's
configure.zcml) and one WSGI filter:

- ``refuse_malformed_start`` (the site's ``IBeforeTraverseEvent``, before
  traversal goes further and before authentication): unknown HTTP
  methods (405), ``++skin++`` anywhere in the path (404: Zope can only shift
  it at the start and fails with a ValueError elsewhere), a malformed
  ``Authorization: Basic`` header (400: PAS's basic-auth extraction fails on
  it with a ValueError or binascii.Error).
- ``refuse_malformed_request`` (``IPubAfterTraversal``, before the view or
  service runs): form values that are not valid Unicode, batching parameters
  that are not small non-negative integers, search terms that are too long,
  and JSON bodies that are too big, not JSON, not an object, nested too
  deeply, or with a non-string ``@type`` or ``source``.
- ``BoundaryFilter`` (WSGI, in the instance's pipeline as ``[filter:boundary]
  use = call:cpms.core.boundary:filter_factory``): a path that is not UTF-8
  (``%ED%A0%80``), which ZPublisher fails to decode before any of Zope runs;
  bodies over the size cap, answered 413 before they are read; JSON nested
  beyond Python's recursion limit, on which plone.restapi's PAS plugin fails
  while it authenticates.

Each refusal is an exception from zExceptions: on a REST request plone.rest's
error view renders it as the portal's one error shape (``{"type",
"message"}``), on a page Plone's error page shows it with its status.
"""

import base64
import binascii
import io
import json

from plone.rest.interfaces import IAPIRequest
from zExceptions import BadRequest
from zExceptions import HTTPRequestEntityTooLarge
from zExceptions import MethodNotAllowed
from zExceptions import NotFound
from zope.interface import alsoProvides

from cpms import _
from cpms.core.i18n import translate_here
from cpms.core.validation import TEXT_MAX
from cpms.core.validation import identifier_refusal
from cpms.core.validation import text_problem

# Methods a Plone site answers (plone.rest services, forms, CORS preflight),
# and Zope's WebDAV methods, which cpms.identity.webdav refuses or allows.
METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
    | {"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"}
)
# Whole request bodies (a JSON body carries a medical file base64-encoded).
MAX_BODY = 64 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_SEARCH_TERMS = 1000
MAX_SEARCH_WORDS = 32
MAX_BATCH = 1000
BATCH_PARAMETERS = ("b_start", "b_size", "sort_limit", "limit")
SEARCH_TEXT_PARAMETERS = ("SearchableText", "Title", "Description")
JSON_METHODS = frozenset({"POST", "PATCH", "PUT"})


def _refuse(request, exception):
    """Raise ``exception``, rendered as JSON if the client asked for JSON.

    Before traversal plone.rest marks a request as a REST request only when
    a service exists for its method; an unknown method or a refused header
    would otherwise get Zope's HTML error page.
    """
    accept = request.getHeader("Accept", "") or ""
    if "application/json" in accept or "/++api++" in (request.get("PATH_INFO") or ""):
        alsoProvides(request, IAPIRequest)
    raise exception


def basic_auth_problem(header: str) -> str | None:
    """What is wrong with an ``Authorization: Basic`` header, if anything."""
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True)
        text = decoded.decode("utf-8")
    except (binascii.Error, ValueError):
        return "its credentials are not base64-encoded UTF-8."
    if ":" not in text:
        return "its credentials are not 'login:password'."
    return None


def refuse_malformed_start(site, event):
    """Refuse, as traversal enters the site, what Zope itself fails on.

    Not on ``IPubStart``: an exception raised there escapes ZPublisher's
    error handling ("generator didn't yield", a 500).
    """
    request = event.request
    method = (request.get("REQUEST_METHOD") or "GET").upper()
    if method not in METHODS:
        _refuse(request, MethodNotAllowed(f"The method {method} is not allowed."))
    path = request.get("PATH_INFO") or ""
    if "++skin++" in path:
        _refuse(request, NotFound("Resource not found: skins cannot be chosen."))
    header = getattr(request, "_auth", None) or ""
    problem = basic_auth_problem(header) if header else None
    if problem:
        _refuse(
            request,
            BadRequest(
                translate_here(
                    _(
                        "The Authorization header is malformed: ${problem}",
                        mapping={"problem": problem},
                    )
                )
            ),
        )


def _values(value):
    """Every string in a form value (records, lists, tuples)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item)
    elif hasattr(value, "items"):
        for key, item in value.items():
            yield from _values(key)
            yield from _values(item)


def is_valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def form_problem(form) -> str | None:
    """What is wrong with the query string or form of a request, if anything."""
    for key, value in form.items():
        for text in _values(value):
            if not is_valid_unicode(text) or not is_valid_unicode(key):
                return f"{key}: the value is not valid UTF-8."
        name = key.split(":", 1)[0]
        if name in BATCH_PARAMETERS:
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                text = str(item).strip() if isinstance(item, (int, str)) else ""
                if name == "b_size" and text == "-1":
                    continue  # plone.restapi's "all of them" (vocabularies)
                if isinstance(item, bool) or not (text.isascii() and text.isdigit()):
                    return f"{name}: a whole number from 0, not '{str(item)[:40]}'."
                if name != "b_start" and int(text) > MAX_BATCH:
                    return f"{name}: at most {MAX_BATCH}, not {text[:40]}."
        if name in SEARCH_TEXT_PARAMETERS:
            for text in _values(value):
                if len(text) > MAX_SEARCH_TERMS:
                    return (
                        f"{name}: at most {MAX_SEARCH_TERMS} characters, "
                        f"not {len(text)}."
                    )
                # Each word is a lookup in the full-text index, a word with
                # "*" a walk through its vocabulary: their number bounds
                # the time a search takes.
                if len(text.split()) > MAX_SEARCH_WORDS:
                    return f"{name}: at most {MAX_SEARCH_WORDS} words."
    return None


def json_depth(value, limit: int) -> int:
    """How deeply ``value`` nests, counting no further than ``limit + 1``."""
    depth, level = 0, [value]
    while level and depth <= limit:
        depth += 1
        following = []
        for item in level:
            if isinstance(item, dict):
                following.extend(item.values())
            elif isinstance(item, list):
                following.extend(item)
        level = [item for item in following if isinstance(item, (dict, list))]
    return depth


def _strings(value):
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# Keys whose value is a text wherever a service of the portal or of
# plone.restapi reads them (content, @copy, @workflow, @guests, @panel,
# @invite, @notification-settings, @login); null stays allowed.
STRING_KEYS = frozenset(
    {"@type", "id", "case", "user", "userid", "until", "lead", "guest"}
    | {"expertise_area", "mode", "login", "password", "transition"}
)


def _strings_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) for s in value)


def _sharing_entries(entries) -> bool:
    """plone.restapi's @sharing entries, as its service iterates them."""
    if not isinstance(entries, list):
        return False
    for entry in entries:
        if not isinstance(entry, dict):
            return False
        if not isinstance(entry.get("id"), str):
            return False
        if not isinstance(entry.get("type", "user"), str):
            return False
        roles = entry.get("roles", {})
        if not isinstance(roles, dict):
            return False
        if not all(isinstance(v, bool) for v in roles.values()):
            return False
    return True


def json_body_problem(body: bytes | str) -> str | None:
    """What is wrong with a JSON request body, if anything (empty is fine)."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return "The request body is not UTF-8."
    if not body.strip():
        return None
    try:
        data = json.loads(body)
    except RecursionError:
        return f"The request body nests deeper than {MAX_JSON_DEPTH} levels."
    except ValueError:
        return "The request body is not valid JSON."
    if not isinstance(data, dict):
        return "The request body must be a JSON object."
    if json_depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        return f"The request body nests deeper than {MAX_JSON_DEPTH} levels."
    if not all(is_valid_unicode(text) for text in _strings(data)):
        return "The request body contains text that is not valid Unicode."
    for key in STRING_KEYS.intersection(data):
        if data[key] is not None and not isinstance(data[key], str):
            return f"{key}: a text, not {type(data[key]).__name__}."
    userids = data.get("userids")
    if userids is not None and not (isinstance(userids, str) or _strings_list(userids)):
        return "userids: must be a list of user ids"  # as @invite says it
    entries = data.get("entries")
    if entries is not None and not _sharing_entries(entries):
        return (
            'entries: a list of {"id": ..., "type": "user" or "group", '
            '"roles": {"<role>": true or false}}.'
        )
    source = data.get("source")
    if source is not None and not (
        isinstance(source, str)
        or (isinstance(source, list) and all(isinstance(s, str) for s in source))
    ):
        return "source: a URL, path or UID, or a list of them."
    comment = data.get("comment")
    if comment is not None:
        if not isinstance(comment, str):
            return "comment: a text."
        problem = text_problem(comment, single_line=False, max_length=TEXT_MAX)
        if problem:
            return f"comment: {problem}"
        # A comment asks for or gives information about the case: it is
        # case data, kept in the workflow history and mailed.
        refusal = identifier_refusal("comment", comment)
        if refusal:
            return refusal
    return None


def _is_json_request(request) -> bool:
    content_type = (request.getHeader("Content-Type") or "").lower()
    return IAPIRequest.providedBy(request) or "json" in content_type


def refuse_malformed_request(event):
    """Refuse, after traversal, bodies and parameters no service can use."""
    request = event.request
    problem = form_problem(request.form)
    if problem:
        raise BadRequest(problem)
    method = (request.get("REQUEST_METHOD") or "GET").upper()
    if method not in JSON_METHODS or not _is_json_request(request):
        return
    content_type = (request.getHeader("Content-Type") or "").lower()
    if content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        return
    if content_type.startswith("application/offset+octet-stream"):
        return  # a piece of a resumable upload (@tus-upload): bytes, not JSON
    body = request.get("BODY") or b""
    if len(body) > MAX_BODY:
        raise HTTPRequestEntityTooLarge(
            f"The request body is larger than {MAX_BODY // (1024 * 1024)} MB."
        )
    problem = json_body_problem(body)
    if problem:
        raise BadRequest(problem)


class BoundaryFilter:
    """WSGI filter: refuse what ZPublisher cannot even start to publish.

    ZPublisher decodes the path as UTF-8 without handling the error, so
    ``/%ED%A0%80`` (a lone surrogate) is a 500 from the WSGI server; and a
    body is read whole before any size check of ours. Both answer here, in
    the portal's error shape.
    """

    def __init__(self, app, max_body=MAX_BODY):
        self.app = app
        self.max_body = int(max_body)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        try:
            path.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return self._answer(
                start_response,
                "400 Bad Request",
                "BadRequest",
                "The path is not valid UTF-8.",
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return self._answer(
                start_response,
                "400 Bad Request",
                "BadRequest",
                "The Content-Length header is not a number.",
            )
        if length > self.max_body:
            return self._answer(
                start_response,
                "413 Request Entity Too Large",
                "RequestEntityTooLarge",
                f"The request body is larger than {self.max_body} bytes.",
            )
        content_type = (environ.get("CONTENT_TYPE") or "").lower()
        if length and "json" in content_type:
            # plone.restapi's PAS plugin parses every JSON body while it
            # authenticates, before any subscriber of ours, and lets the
            # RecursionError of a deeply nested body through (a 500).
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            try:
                json.loads(body)
            except RecursionError:
                return self._answer(
                    start_response,
                    "400 Bad Request",
                    "BadRequest",
                    f"The request body nests deeper than {MAX_JSON_DEPTH} levels.",
                )
            except ValueError:
                pass  # answered by refuse_malformed_request, after traversal
        return self.app(environ, start_response)

    @staticmethod
    def _answer(start_response, status, kind, message):
        body = json.dumps({"type": kind, "message": message}).encode("utf-8")
        start_response(
            status,
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]


def filter_factory(global_conf, max_body=MAX_BODY):
    """PasteDeploy entry point: ``[filter:cpms-boundary] use = egg:cpms#boundary``."""

    def make_filter(app):
        return BoundaryFilter(app, max_body=max_body)

    return make_filter
