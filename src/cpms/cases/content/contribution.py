"""Contribution: an expert's contribution to the discussion of a case.

Its author is its creator (Dublin Core ``Creators``); who may add one is a
permission of the case workflow (``cpms: Add Contribution``).
"""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer

from cpms import _
from cpms.cases.interfaces import ICaseItem
from cpms.core.users import fullname
from cpms.core.validation import Text
from cpms.core.validation import no_identifiers


class IContribution(model.Schema):
    """An expert's contribution to the discussion of a case."""

    text = Text(
        title=_("Contribution"),
        description=_("Your opinion, questions or advice on the case."),
        required=True,
        constraint=no_identifiers("Contribution"),
    )


@implementer(IContribution, ICaseItem)
class Contribution(Item):
    """A contribution; its title names its author."""

    @property
    def author(self):
        creators = self.listCreators()
        return creators[0] if creators else ""

    @property
    def title(self):
        return f"Contribution by {fullname(self.author)}".strip()

    @title.setter
    def title(self, value):
        pass

    def Title(self):
        return self.title
