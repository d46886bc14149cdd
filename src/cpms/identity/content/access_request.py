"""AccessRequest: a member asks for a profile (role) at a healthcare provider.

Created by ``@@request-access`` or ``POST /@access-requests`` in
/access-requests, reviewed by coordinators through
``cpms_access_request_workflow`` (pending -> approved | rejected); see
cpms.identity.access_requests for what approval does.
"""

import pycountry
from plone import api
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import Invalid
from zope.interface import implementer
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from cpms import _
from cpms.core import roles
from cpms.core.validation import Text
from cpms.core.validation import TextLine

# The profiles one may ask for: token -> (label, site-wide role granted).
PROFILES = {
    "healthcare-professional": (
        _("Healthcare professional"),
        roles.HEALTHCARE_PROFESSIONAL,
    ),
    "coordinator": (_("Coordinator"), roles.COORDINATOR),
    "helpdesk": (_("Helpdesk"), roles.HELPDESK),
}
PROFILE_VOCABULARY = SimpleVocabulary(
    [SimpleTerm(token, token, label) for token, (label, _role) in PROFILES.items()]
)

# The European Union and the other states of the European Economic Area.
EU_EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)


class ProviderOutsideNetwork(Invalid):
    __doc__ = _("The healthcare provider is not a member of the network.")


def country_code(value) -> str:
    """ISO 3166 alpha-2 code of a country given as code or name ('' if unknown)."""
    if not value:
        return ""
    value = str(value).strip()
    if value.upper() == "EL":  # Greece, as the EU writes it
        return "GR"
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        return ""


def find_provider(value):
    """The HealthcareProvider a request names, by UID or by id in /network."""
    if not value:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type="HealthcareProvider", UID=value
    ) or catalog.unrestrictedSearchResults(portal_type="HealthcareProvider", id=value)
    return brains[0]._unrestrictedGetObject() if brains else None


def check_provider(value):
    """Field constraint: the provider exists and is in the EU/EEA."""
    provider = find_provider(value)
    if provider is None:
        raise ProviderOutsideNetwork(
            _(
                "Unknown healthcare provider: choose one of the member "
                "providers listed under /network."
            )
        )
    code = country_code(getattr(provider, "country", ""))
    if code not in EU_EEA:
        raise ProviderOutsideNetwork(
            _(
                "${provider} is outside the European Union and the European "
                "Economic Area: the network can only authorise professionals "
                "of member providers in the EU/EEA. Outside clinicians can "
                "refer a case instead.",
                mapping={"provider": provider.Title()},
            )
        )
    return True


class IAccessRequest(model.Schema):
    """A request for authorisation to use the portal."""

    healthcare_provider = TextLine(
        title=_("Healthcare provider"),
        description=_("The member provider (from /network) you work for: its UID."),
        required=True,
        constraint=check_provider,
    )
    profile = schema.Choice(
        title=_("Profile"),
        description=_("What you need to do in the portal."),
        vocabulary=PROFILE_VOCABULARY,
        required=True,
    )
    justification = Text(
        title=_("Justification"),
        description=_("Your position and why you need access."),
        required=True,
        min_length=10,
    )
    requester = TextLine(
        title=_("Requester (user id)"),
        required=False,
        readonly=True,
    )
    decision_message = Text(
        title=_("Message from the coordinator"),
        required=False,
        readonly=True,
    )


@implementer(IAccessRequest)
class AccessRequest(Item):
    """An access request; the requester is its Owner."""

    requester = ""
    decision_message = ""

    def provider(self):
        return find_provider(self.healthcare_provider)

    def provider_title(self):
        provider = self.provider()
        return provider.Title() if provider is not None else ""

    def profile_label(self):
        return PROFILES.get(self.profile, (self.profile, None))[0]
