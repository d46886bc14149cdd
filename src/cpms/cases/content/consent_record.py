"""ConsentRecord: a consent the patient gave for one purpose, and its withdrawal.

What a withdrawal does to the case (it moves to ``withdrawn`` and is locked)
belongs to the case workflow (cpms.cases.workflow); here it is recorded and checked.
"""

from datetime import date

from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import Invalid
from zope.interface import implementer
from zope.interface import invariant

from cpms import _
from cpms.cases.content.case import current_user_id
from cpms.cases.interfaces import ICaseItem
from cpms.core.validation import Bool
from cpms.core.validation import Choice
from cpms.core.validation import FieldError
from cpms.core.validation import TextLine


def not_in_future(label):
    def check(value):
        if value and value > date.today():
            raise FieldError(
                _(
                    "${field}: ${date} is in the future.",
                    mapping={"field": label, "date": value.isoformat()},
                )
            )
        return True

    return check


class IConsentRecord(model.Schema):
    """A consent the patient gave (or withdrew) for one purpose."""

    kind = Choice(
        title=_("Kind of consent"),
        vocabulary="cpms.vocabularies.consent_kinds",
        required=True,
    )

    consent_language = Choice(
        title=_("Language of the consent form"),
        vocabulary="cpms.vocabularies.consent_languages",
        required=True,
    )

    consent_version = TextLine(
        title=_("Version of the consent form"),
        description=_("As printed on the form, e.g. 2.1."),
        required=True,
        max_length=20,
    )

    consent_form = Choice(
        title=_("Consent form used"),
        description=_("The form from the consent forms section, if it is there."),
        vocabulary="cpms.vocabularies.consent_forms",
        required=False,
    )

    consent_date = schema.Date(
        title=_("Date of consent"),
        required=True,
        constraint=not_in_future("Date of consent"),
    )

    recorded_by = TextLine(
        title=_("Recorded by"),
        description=_("User id of the person who recorded the consent."),
        required=True,
        defaultFactory=current_user_id,
    )

    model.fieldset(
        "withdrawal",
        label=_("Withdrawal"),
        fields=["withdrawn", "withdrawal_date"],
    )

    withdrawn = Bool(
        title=_("Withdrawn"),
        description=_(
            "The patient has withdrawn this consent. Withdrawing the care "
            "consent withdraws and locks the case."
        ),
        required=False,
        default=False,
    )

    withdrawal_date = schema.Date(
        title=_("Date of withdrawal"),
        required=False,
        constraint=not_in_future("Date of withdrawal"),
    )

    @invariant
    def withdrawal_dates(data):
        withdrawn = getattr(data, "withdrawn", False)
        withdrawal = getattr(data, "withdrawal_date", None)
        consent = getattr(data, "consent_date", None)
        if withdrawn and not withdrawal:
            raise Invalid(
                _("Date of withdrawal: give the date the consent was withdrawn.")
            )
        if withdrawal and not withdrawn:
            raise Invalid(_("Withdrawn: tick it when you give a date of withdrawal."))
        if withdrawal and consent and withdrawal < consent:
            raise Invalid(
                _("Date of withdrawal: it cannot be before the date of consent.")
            )


KIND_TITLES = {"care": "Care", "registries": "Registries", "research": "Research"}


@implementer(IConsentRecord, ICaseItem)
class ConsentRecord(Item):
    """A consent record; its title says which consent and when."""

    withdrawn = False
    withdrawal_date = None

    @property
    def title(self):
        kind = KIND_TITLES.get(getattr(self, "kind", None), "")
        title = f"{kind} consent".strip().capitalize()
        consent_date = getattr(self, "consent_date", None)
        if consent_date:
            title += f" of {consent_date.isoformat()}"
        if self.withdrawn:
            title += " (withdrawn)"
        return title

    @title.setter
    def title(self, value):
        pass

    def Title(self):
        return self.title
