"""ExpertiseArea: an expertise area of the network, part of a workstream.

Title and description come from plone.basic; the workstream groups areas.
"""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer

from cpms import _
from cpms.core.validation import TextLine


class IExpertiseArea(model.Schema):
    """An expertise area of the network, part of a workstream."""

    workstream = TextLine(
        title=_("Workstream"),
        description=_("The group of expertise areas this one belongs to."),
        required=True,
    )


@implementer(IExpertiseArea)
class ExpertiseArea(Item):
    """An expertise area."""
