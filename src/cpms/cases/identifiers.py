"""Direct identifiers in what a case holds, beyond its own schema fields.

The schema fields of the case types check themselves (``no_identifiers``
constraints of cpms.core.validation, in forms and REST alike). Here:

- the title and description that Plone's ``plone.basic`` behaviour gives the
  items of a case (a meeting, a medical file): a z3c.form validator for the
  forms, and for REST (plone.restapi validates only the field itself) a
  check when the item is added or modified that answers 400;
- the warnings: what the checks found but did not refuse (an author's name
  in a literature reference, a colleague's "Dr. Rossi") is shown to whoever
  saved it, as a status message on the next page.
"""

from Acquisition import aq_chain
from plone.app.dexterity.behaviors.metadata import IBasic
from plone.dexterity.utils import iterSchemata
from plone.rest.interfaces import IAPIRequest
from Products.statusmessages.interfaces import IStatusMessage
from z3c.form import validator
from zExceptions import BadRequest
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.schema import getFields

from cpms import _
from cpms.cases.content.case import ICase
from cpms.cases.interfaces import ICaseItem
from cpms.core import identifiers
from cpms.core.validation import FieldError
from cpms.core.validation import IdentifierCheck

BASIC_LABELS = {"title": _("Title"), "description": _("Summary")}


def in_case(obj) -> bool:
    return any(ICase.providedBy(o) or ICaseItem.providedBy(o) for o in aq_chain(obj))


class BasicFieldValidator(validator.SimpleFieldValidator):
    """Title and description of an item inside a case: no direct identifier.

    ``context`` is the case in an add form, the item in an edit form.
    """

    def validate(self, value, force=False):
        super().validate(value, force)
        if value and in_case(self.context):
            IdentifierCheck(BASIC_LABELS[self.field.__name__])(value)


validator.WidgetValidatorDiscriminators(BasicFieldValidator, field=IBasic["title"])


class BasicDescriptionValidator(BasicFieldValidator):
    pass


validator.WidgetValidatorDiscriminators(
    BasicDescriptionValidator, field=IBasic["description"]
)


def check_basic_fields(obj, event) -> None:
    """An item of a case added or changed over REST: its title and description.

    Forms have refused already (``BasicFieldValidator``); a refusal here
    answers 400 in the portal's one error shape and the transaction is
    aborted, so nothing is kept.
    """
    request = getRequest()
    if request is None or not IAPIRequest.providedBy(request):
        return
    for name in ("title", "description"):
        value = getattr(obj.aq_base, name, None) if hasattr(obj, "aq_base") else None
        if not isinstance(value, str) or not value:
            continue
        try:
            IdentifierCheck(BASIC_LABELS[name])(value)
        except FieldError as error:
            raise BadRequest(f"{name}: {error}") from None


def _checked_values(obj):
    """(label, text) of every field of ``obj`` that the identifier checks read."""
    for schema in iterSchemata(obj):
        for name, field in getFields(schema).items():
            value = getattr(obj, name, None)
            if schema is IBasic or schema.isOrExtends(IBasic):
                label = BASIC_LABELS.get(name)
            elif isinstance(field.constraint, IdentifierCheck):
                label = field.constraint.label
            else:
                continue
            if label and isinstance(value, str) and value:
                yield label, value
    file = getattr(obj, "file", None)
    if getattr(file, "filename", None):
        yield _("File name"), file.filename


def show_warnings(obj, event) -> None:
    """What the checks found but did not refuse, for whoever saved it."""
    request = getRequest()
    if request is None or IAPIRequest.providedBy(request):
        return
    messages = IStatusMessage(request, None)
    if messages is None:
        return
    for label, text in _checked_values(obj):
        for finding in identifiers.warnings(text):
            messages.add(
                translate(identifiers.warning_message(label, finding), context=request),
                type="warning",
            )
