"""Contribution: An expert's contribution to the discussion of a case."""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer


class IContribution(model.Schema):
    """An expert's contribution to the discussion of a case."""


@implementer(IContribution)
class Contribution(Item):
    """An expert's contribution to the discussion of a case."""
