"""ConsentForm: a patient consent form (a PDF) in one language, of one kind."""

from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from cpms import _
from cpms.core.pdf import pdf_constraint
from cpms.core.validation import TextLine


class IConsentForm(model.Schema):
    """A consent form."""

    # Not called "language": that is the content language of Dublin Core,
    # which Plone uses for the page itself.
    form_language = schema.Choice(
        title=_("Language"),
        vocabulary="cpms.vocabularies.consent_languages",
        required=True,
    )
    kind = schema.Choice(
        title=_("Kind"),
        description=_("What the patient consents to."),
        vocabulary="cpms.vocabularies.consent_kinds",
        required=True,
    )
    version = TextLine(
        title=_("Version"),
        description=_(
            "As printed on the form, e.g. 2.1 (2026). Case consent records cite it."
        ),
        required=True,
    )
    file = NamedBlobFile(
        title=_("PDF file"),
        required=True,
        constraint=pdf_constraint,
    )


@implementer(IConsentForm)
class ConsentForm(Item):
    """A consent form."""
