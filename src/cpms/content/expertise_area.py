"""ExpertiseArea: An expertise area of the network, part of a workstream."""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer


class IExpertiseArea(model.Schema):
    """An expertise area of the network, part of a workstream."""


@implementer(IExpertiseArea)
class ExpertiseArea(Item):
    """An expertise area of the network, part of a workstream."""
