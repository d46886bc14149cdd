"""FAQEntry: one common problem and its answer."""

from plone.app.textfield import RichText
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from cpms import _
from cpms.core.text import plain_text
from cpms.core.text import shorten
from cpms.core.validation import TextLine


class IFAQEntry(model.Schema):
    """A question users ask, with the answer."""

    title = TextLine(
        title=_("Question"),
        description=_("The problem as a user would put it."),
        required=True,
    )
    category = schema.Choice(
        title=_("Category"),
        vocabulary="cpms.vocabularies.faq_categories",
        required=True,
        default="other",
    )
    answer = RichText(title=_("Answer"), required=True)


@implementer(IFAQEntry)
class FAQEntry(Item):
    """A common problem; the question is its title."""

    def Description(self):
        # Listings and search results show the start of the answer.
        return shorten(plain_text(self, getattr(self, "answer", None)))
