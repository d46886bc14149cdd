"""NewsletterIssue: one issue of the portal's newsletter (two or three a year)."""

from plone.app.textfield import RichText
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from cpms import _
from cpms.core.pdf import pdf_constraint


class INewsletterIssue(model.Schema):
    """A newsletter issue."""

    number = schema.Int(title=_("Issue number"), min=1, required=True)
    # Not called "date": Dublin Core content already has a Date() method.
    issue_date = schema.Date(title=_("Date of the issue"), required=True)
    body = RichText(title=_("Body"), required=True)
    file = NamedBlobFile(
        title=_("PDF edition"),
        description=_("Optional: the issue as a PDF for printing."),
        required=False,
        constraint=pdf_constraint,
    )


@implementer(INewsletterIssue)
class NewsletterIssue(Item):
    """A newsletter issue."""
