"""A refused contact request in the portal's one error shape: the field
first, in the request's language, with the status the refusal stands for."""

from zExceptions import BadRequest
from zExceptions import Forbidden

from cpms.core.concurrency import Conflict
from cpms.core.i18n import translate_here
from cpms.core.services import NotFound

STATUS = {"forbidden": Forbidden, "not-found": NotFound, "conflict": Conflict}


def as_http_error(error):
    """The exception that answers ``error`` (a ``ContactRequestError``)."""
    text = translate_here(error.message)
    if not text.startswith(f"{error.field}:"):
        text = f"{error.field}: {text}"
    return STATUS.get(error.status, BadRequest)(text)
