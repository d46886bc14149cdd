"""EU and EEA member states by ISO 3166-1 alpha-2 code, named by pycountry."""

import pycountry
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

EU_STATES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR",
    "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK",
    "SI", "ES", "SE",
)  # fmt: skip
EEA_ONLY_STATES = ("IS", "LI", "NO")
EU_EEA_STATES = EU_STATES + EEA_ONLY_STATES


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@provider(IVocabularyFactory)
def eu_eea_countries(context=None):
    terms = sorted(
        (
            SimpleTerm(code, token=code, title=country_name(code))
            for code in EU_EEA_STATES
        ),
        key=lambda term: term.title,
    )
    return SimpleVocabulary(terms)
