"""HealthcareProvider: A member healthcare provider (HCP) of the network."""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer


class IHealthcareProvider(model.Schema):
    """A member healthcare provider (HCP) of the network."""


@implementer(IHealthcareProvider)
class HealthcareProvider(Item):
    """A member healthcare provider (HCP) of the network."""
