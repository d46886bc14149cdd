"""Vocabularies of the referral form."""

from zope.component import getUtility
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from cpms import _

OTHER_COUNTRY = "other"

URGENCY = (
    ("routine", _("Routine: an answer within weeks is fine")),
    ("urgent", _("Urgent: the patient's care depends on a quick answer")),
)


@provider(IVocabularyFactory)
def referral_urgency(context):
    return SimpleVocabulary(
        [SimpleTerm(value, value, title) for value, title in URGENCY]
    )


@provider(IVocabularyFactory)
def referral_countries(context):
    """The EU/EEA states, then one choice for every other country.

    "Another country" exists so that a clinician from outside the EU/EEA is
    told what to do instead (the form refuses it with that explanation).
    """
    eu_eea = getUtility(IVocabularyFactory, "cpms.vocabularies.eu_eea_countries")
    terms = list(eu_eea(context))
    terms.append(
        SimpleTerm(
            OTHER_COUNTRY,
            OTHER_COUNTRY,
            _("Another country (outside the EU/EEA)"),
        )
    )
    return SimpleVocabulary(terms)
