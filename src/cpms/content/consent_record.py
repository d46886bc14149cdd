"""ConsentRecord: A consent the patient gave (or withdrew) for one purpose."""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer


class IConsentRecord(model.Schema):
    """A consent the patient gave (or withdrew) for one purpose."""


@implementer(IConsentRecord)
class ConsentRecord(Item):
    """A consent the patient gave (or withdrew) for one purpose."""
