"""OutcomeReport: The panel's advice on a case, signed by the panel lead."""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer


class IOutcomeReport(model.Schema):
    """The panel's advice on a case, signed by the panel lead."""


@implementer(IOutcomeReport)
class OutcomeReport(Item):
    """The panel's advice on a case, signed by the panel lead."""
