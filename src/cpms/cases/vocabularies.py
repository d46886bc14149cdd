"""Small fixed vocabularies of the case form: sex and age bands."""

from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from cpms import _

SEXES = (
    ("female", _("Female")),
    ("male", _("Male")),
    ("other", _("Other / intersex")),
    ("unknown", _("Unknown")),
)

# For when the year of birth is not given (it is then the age at enrolment).
AGE_BANDS = (
    ("prenatal", _("Prenatal")),
    ("0-27d", _("Newborn (0-27 days)")),
    ("28d-1y", _("Infant (28 days to 1 year)")),
    ("2-11y", _("Child (2 to 11 years)")),
    ("12-17y", _("Adolescent (12 to 17 years)")),
    ("18-39y", _("Adult (18 to 39 years)")),
    ("40-64y", _("Adult (40 to 64 years)")),
    ("65y+", _("Older adult (65 years and over)")),
)


def _vocabulary(pairs):
    return SimpleVocabulary([SimpleTerm(v, token=v, title=t) for v, t in pairs])


@provider(IVocabularyFactory)
def sexes(context=None):
    return _vocabulary(SEXES)


@provider(IVocabularyFactory)
def age_bands(context=None):
    return _vocabulary(AGE_BANDS)
