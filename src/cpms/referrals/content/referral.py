"""Referral: a request from a clinician outside the network for expert advice.

Created by the "Refer a case" form (cpms.referrals.actions.CreateReferral),
then handled by coordinators under ``cpms_referral_workflow``.  Like a case, it
holds no direct identifier of the patient: the form warns the referrer and
refuses obvious identifiers in the free text.
"""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from cpms import _
from cpms.core.validation import Bool
from cpms.core.validation import Text
from cpms.core.validation import TextLine
from cpms.core.validation import no_identifiers


class IReferral(model.Schema):
    """What the referring clinician told us, and how the network answered."""

    clinician_name = TextLine(title=_("Referring clinician"), required=True)
    clinician_email = TextLine(
        title=_("Email of the referring clinician"), required=True
    )
    provider = TextLine(
        title=_("Healthcare provider"),
        description=_("The hospital or practice of the referring clinician."),
        required=True,
    )
    country = schema.Choice(
        title=_("Country of the provider"),
        vocabulary="cpms.vocabularies.eu_eea_countries",
        required=True,
    )
    expertise_area = schema.Choice(
        title=_("Expertise area"),
        vocabulary="cpms.vocabularies.expertise_areas",
        required=False,
    )
    urgency = schema.Choice(
        title=_("Urgency"),
        vocabulary="cpms.vocabularies.referral_urgency",
        default="routine",
        required=True,
    )
    summary = Text(
        title=_("Case summary"),
        description=_("Pseudonymised: no names, addresses or identifiers."),
        required=True,
        constraint=no_identifiers("Case summary"),
    )
    question = Text(
        title=_("Question to the experts"),
        required=False,
        constraint=no_identifiers("Question to the experts"),
    )
    consent_willing = Bool(
        title=_("Will obtain the patient's consent and upload the records"),
        default=False,
        required=False,
    )

    model.fieldset(
        "decision",
        label=_("Decision"),
        fields=["decline_reason", "case_uid", "guest_invitation", "accepted_by"],
    )
    decline_reason = Text(
        title=_("Reason for declining"),
        description=_("Filled from the comment of the decline transition."),
        required=False,
    )
    case_uid = TextLine(title=_("Case created from this referral"), required=False)
    guest_invitation = TextLine(
        title=_("Guest invitation"),
        description=_("How the referrer was invited to the case."),
        required=False,
    )
    accepted_by = TextLine(
        title=_("Accepted by"),
        description=_("User id of the coordinator who accepted the referral."),
        required=False,
    )


@implementer(IReferral)
class Referral(Item):
    """A referral request; its title names the provider and the date."""
