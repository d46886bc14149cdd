"""The Case: a pseudonymised patient panel (folderish)."""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from cpms import _


class ICase(model.Schema):
    """A patient case. It holds no direct identifier of the patient."""

    nickname = schema.TextLine(
        title=_("Nickname"),
        description=_("A pseudonym the panel uses to talk about the patient."),
        required=True,
    )


@implementer(ICase)
class Case(Container):
    """A case; its title is its ERN case id."""
