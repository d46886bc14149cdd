"""What the portal's REST services share, and their one error shape.

Every error of a CPMS endpoint is an exception, raised and rendered by
plone.rest's error view (``plone.rest.errors.ErrorHandling``), like those of
plone.restapi's own services: ``{"type": "<exception name>", "message":
"<text>"}`` with the status the exception stands for (``BadRequest`` 400,
``Unauthorized`` 401, ``Forbidden`` 403, ``NotFound`` 404). A message about
one field starts with the field's name (``"case: Unknown case 'x'."``);
several fields are joined with ``"; "``. The error view renders no other key
of ours, so the message carries all of it.
"""

import json

from plone.protect.interfaces import IDisableCSRFProtection
from plone.rest.errors import ErrorHandling
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import NotFound as ZopeNotFound
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.interface import alsoProvides

from cpms import _


def disable_csrf_check(request) -> None:
    """Let a JSON write through without plone.protect's form token.

    As plone.restapi's own write services do: their callers (scripts, a
    JavaScript front end) send no form token.
    """
    alsoProvides(request, IDisableCSRFProtection)


def json_object(request) -> dict:
    """The request's JSON body, which must be an object (none: ``{}``)."""
    try:
        data = json.loads(request.get("BODY") or "{}")
    except ValueError:
        raise BadRequest(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadRequest(_("The request body must be a JSON object."))
    return data


def field_error(field: str, message: str) -> BadRequest:
    """A 400 about one field, the field named first."""
    return BadRequest(f"{field}: {message}")


class NotFound(ZopeNotFound):
    """Something the request names does not exist, and the message says what.

    plone.rest's error view replaces the message of every ``NotFound`` by
    "Resource not found: <url>" (a traversal miss would otherwise show
    Zope's HTML); for this one, raised by our services with a plain message,
    ``NotFoundErrorHandling`` keeps it.
    """


class TranslatedErrorHandling(ErrorHandling):
    """plone.rest's error view, a translatable message in the request's language.

    Registered for the errors our services raise (``BadRequest``,
    ``Forbidden``, ``Unauthorized``): a message made with ``cpms._`` answers
    in the language negotiated for the request (Accept-Language, the
    member's preference); a plain string stays as it is.
    """

    def render_exception(self, exception):
        result = super().render_exception(exception)
        if result is not None:  # None: the view answered with a redirect
            message = exception.args[0] if exception.args else None
            if isinstance(message, Message):
                result["message"] = translate(message, context=self.request)
        return result


class NotFoundErrorHandling(TranslatedErrorHandling):
    """plone.rest's error view, keeping the message of our ``NotFound``."""

    def render_exception(self, exception):
        result = ErrorHandling.render_exception(self, exception)
        if result is not None:  # None: the view answered with a redirect
            message = exception.args[0] if exception.args else None
            if isinstance(message, Message):
                result["message"] = translate(message, context=self.request)
            else:
                result["message"] = str(exception)
        return result


class FileService(Service):
    """A service that answers a file, not JSON.

    ``file()`` returns the bytes and the file name. The file is always a
    download, never rendered by the browser in the portal's origin.
    """

    mimetype = "application/octet-stream"

    def file(self) -> tuple[bytes, str]:
        raise NotImplementedError

    def render(self):
        self.check_permission()
        data, filename = self.file()
        response = self.request.response
        response.setHeader("Content-Type", self.mimetype)
        response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
        response.setHeader("Content-Length", str(len(data)))
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")
        return data
