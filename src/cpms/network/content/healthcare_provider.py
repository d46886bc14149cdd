"""HealthcareProvider: a member healthcare provider (HCP) of the network.

Its name is its title (plone.basic). Its healthcare professionals are the
members of the group ``hcp-<provider id>`` (see ``provider_group_id``).
"""

from plone import api
from plone.app.z3cform.widgets.select import SelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from cpms import _
from cpms.core.validation import Choice
from cpms.core.validation import TextLine


def provider_group_id(provider) -> str:
    """The group of a provider's healthcare professionals."""
    return f"hcp-{provider.getId()}"


class IHealthcareProvider(model.Schema):
    """A member healthcare provider (HCP) of the network."""

    country = Choice(
        title=_("Country"),
        vocabulary="cpms.vocabularies.eu_eea_countries",
        required=True,
    )

    city = TextLine(
        title=_("City"),
        required=True,
    )

    expertise_areas = schema.List(
        title=_("Expertise areas"),
        value_type=Choice(
            vocabulary="cpms.vocabularies.expertise_areas", label="Expertise areas"
        ),
        required=False,
        default=[],
        missing_value=[],
    )
    directives.widget("expertise_areas", SelectFieldWidget)


@implementer(IHealthcareProvider)
class HealthcareProvider(Item):
    """A member healthcare provider."""


def providers_of(userid) -> list:
    """The healthcare providers whose group ``userid`` belongs to."""
    user = api.user.get(userid=userid)
    if user is None:
        return []
    group_ids = {g.getId() for g in api.group.get_groups(user=user)}
    return [
        brain.getObject()
        for brain in api.content.find(portal_type="HealthcareProvider")
        if f"hcp-{brain.getId}" in group_ids
    ]
