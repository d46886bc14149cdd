"""Small fixed vocabularies of the case form: sex and age bands."""

from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

SEXES = (
    ("female", "Female"),
    ("male", "Male"),
    ("other", "Other / intersex"),
    ("unknown", "Unknown"),
)

# For when the year of birth is not given (it is then the age at enrolment).
AGE_BANDS = (
    ("prenatal", "Prenatal"),
    ("0-27d", "Newborn (0-27 days)"),
    ("28d-1y", "Infant (28 days to 1 year)"),
    ("2-11y", "Child (2 to 11 years)"),
    ("12-17y", "Adolescent (12 to 17 years)"),
    ("18-39y", "Adult (18 to 39 years)"),
    ("40-64y", "Adult (40 to 64 years)"),
    ("65y+", "Older adult (65 years and over)"),
)


def _vocabulary(pairs):
    return SimpleVocabulary([SimpleTerm(v, token=v, title=t) for v, t in pairs])


@provider(IVocabularyFactory)
def sexes(context=None):
    return _vocabulary(SEXES)


@provider(IVocabularyFactory)
def age_bands(context=None):
    return _vocabulary(AGE_BANDS)
