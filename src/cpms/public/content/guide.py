"""Guide: a step-by-step guide for the portal's users.

A guide is folderish so that staff upload its attachments (files, screenshots)
as File and Image items inside it; those have no workflow of their own and so
are public exactly when their guide is.  The guide's summary is its
``description`` (plone.basic), the text every listing and search shows.
"""

from plone.app.textfield import RichText
from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer

from cpms import _


class IGuide(model.Schema):
    """A step-by-step guide."""

    audience = schema.Set(
        title=_("Audience"),
        description=_("Who the guide is written for."),
        value_type=schema.Choice(vocabulary="cpms.vocabularies.guide_audiences"),
        required=False,
        default=set(),
    )
    steps = RichText(
        title=_("Steps"),
        description=_("The steps, best as a numbered list."),
        required=True,
    )
    related_guides = RelationList(
        title=_("Related guides"),
        value_type=RelationChoice(vocabulary="plone.app.vocabularies.Catalog"),
        required=False,
        default=[],
    )
    directives.widget(
        "related_guides",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["Guide"], "basePath": "/"},
    )


@implementer(IGuide)
class Guide(Container):
    """A guide; its attachments are File and Image items inside it."""
