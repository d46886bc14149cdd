"""Vocabularies of the public content: FAQ categories, consent form kinds and
languages, guide audiences.

Tokens are stable (they are stored and used in URLs and REST calls); titles
are what visitors read.
"""

import pycountry
from plone import api
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from cpms.public import consent_pdf

FAQ_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("eu-login", "EU Login"),
    ("access", "Access to the portal"),
    ("browsers", "Browsers"),
    ("video-meetings", "Video meetings"),
    ("cases", "Cases and panels"),
    ("other", "Other questions"),
)

CONSENT_KINDS: tuple[tuple[str, str], ...] = (
    ("care", "Care: discussing the patient in a panel"),
    ("registries", "Registries: recording data in a rare disease registry"),
    ("research", "Research: using the data in research"),
)

GUIDE_AUDIENCES: tuple[tuple[str, str], ...] = (
    ("referring-clinicians", "Clinicians outside the network"),
    ("healthcare-professionals", "Healthcare professionals of member centres"),
    ("panel-leads", "Panel leads"),
    ("coordinators", "Network coordinators"),
)

# The 24 official languages of the European Union (ISO 639-1).
EU_LANGUAGES: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip
# More languages patients of the network speak: the EEA states' own, regional
# languages of member states, and frequent languages of patients from abroad.
MORE_LANGUAGES: tuple[str, ...] = (
    "is", "no", "lb", "ca", "eu", "gl", "sq", "bs", "sr", "mk", "uk", "ru",
    "tr", "ar", "fa", "zh",
)  # fmt: skip
CONSENT_LANGUAGES: tuple[str, ...] = EU_LANGUAGES + MORE_LANGUAGES


def language_name(code: str) -> str:
    """English name of an ISO 639-1 language code, from pycountry."""
    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        return code
    # "Modern Greek (1453-)" reads badly in a select box.
    return language.name.split(" (")[0].removeprefix("Modern ")


def native_language_name(code: str) -> str:
    """A language's name in itself ("Deutsch"), where a consent text gives it."""
    if code in consent_pdf.languages():
        return consent_pdf.text(code)["name"]
    return ""


def _vocabulary(pairs) -> SimpleVocabulary:
    return SimpleVocabulary(
        [SimpleTerm(value=token, token=token, title=title) for token, title in pairs]
    )


@provider(IVocabularyFactory)
def faq_categories(context=None):
    return _vocabulary(FAQ_CATEGORIES)


@provider(IVocabularyFactory)
def consent_kinds(context=None):
    return _vocabulary(CONSENT_KINDS)


@provider(IVocabularyFactory)
def guide_audiences(context=None):
    return _vocabulary(GUIDE_AUDIENCES)


@provider(IVocabularyFactory)
def consent_languages(context=None):
    """The 24 EU languages first (alphabetically by name), then the others."""
    eu = sorted(EU_LANGUAGES, key=language_name)
    more = sorted(MORE_LANGUAGES, key=language_name)
    return _vocabulary((code, language_name(code)) for code in eu + more)


@provider(IVocabularyFactory)
def consent_forms(context=None):
    """The consent forms of /consent-forms, for a consent record to cite."""
    terms = []
    brains = api.content.find(portal_type="ConsentForm", sort_on="sortable_title")
    for form in (brain.getObject() for brain in brains):
        code = getattr(form, "form_language", None)
        # "German · Deutsch": the clinician finds the patient's language by
        # either name.
        language = code and " · ".join(
            n for n in (language_name(code), native_language_name(code)) if n
        )
        details = ", ".join(
            str(part)
            for part in (
                language,
                getattr(form, "version", None) and f"version {form.version}",
            )
            if part
        )
        title = f"{form.title} ({details})" if details else form.title
        terms.append(SimpleTerm(form.UID(), token=form.UID(), title=title))
    return SimpleVocabulary(terms)
