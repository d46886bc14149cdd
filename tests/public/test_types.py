"""The public content types: fields, add restrictions, PDF validation, search."""

import pytest
from plone import api
from plone.api.exc import InvalidParameterError
from plone.namedfile.file import NamedBlobFile

from cpms.core.pdf import NotAPDF
from cpms.public.content.consent_form import IConsentForm
from cpms.public.vocabularies import EU_LANGUAGES
from tests.public.helpers import SECTION_OF
from tests.public.helpers import create
from tests.public.helpers import html
from tests.public.helpers import pdf_bytes

TYPES = sorted(SECTION_OF)


@pytest.mark.parametrize("type_id", TYPES)
def test_type_lives_only_in_its_section(portal, type_id):
    with api.env.adopt_roles(["Manager"]):
        for section in ("guides", "common-problems", "newsletter", "consent-forms"):
            allowed = [t.getId() for t in portal[section].allowedContentTypes()]
            assert (type_id in allowed) == (section == SECTION_OF[type_id]), section
        with pytest.raises(InvalidParameterError):
            api.content.create(container=portal["cases"], type=type_id, title="X")


@pytest.mark.parametrize("type_id", TYPES)
def test_new_item_starts_as_draft(portal, type_id):
    with api.env.adopt_roles(["Manager"]):
        obj = create(portal, type_id, title="New item")
    assert api.content.get_state(obj) == "private"


def test_consent_language_vocabulary_has_the_24_eu_languages_and_more(portal):
    from zope.component import getUtility
    from zope.schema.interfaces import IVocabularyFactory

    vocabulary = getUtility(IVocabularyFactory, "cpms.vocabularies.consent_languages")
    tokens = [term.token for term in vocabulary(portal)]
    assert len(EU_LANGUAGES) == 24
    assert set(EU_LANGUAGES) < set(tokens)
    assert vocabulary(portal).getTerm("el").title == "Greek"
    assert vocabulary(portal).getTerm("uk").title == "Ukrainian"


def test_consent_form_file_must_be_a_pdf():
    field = IConsentForm["file"]
    field.validate(NamedBlobFile(pdf_bytes(), filename="ok.pdf"))
    fake = NamedBlobFile(b"MZ\x90\x00 not a pdf at all", filename="form.pdf")
    with pytest.raises(NotAPDF):
        field.validate(fake)


def test_faq_search_finds_words_of_the_answer(portal):
    with api.env.adopt_roles(["Manager"]):
        create(
            portal,
            "FAQEntry",
            title="The page stays blank",
            answer=html("<p>Empty the <b>zyxwcache</b> of the browser.</p>"),
        )
    found = api.content.find(portal_type="FAQEntry", SearchableText="zyxwcache")
    assert [b.Title for b in found] == ["The page stays blank"]
    # Listings show the start of the answer as the summary, without markup.
    assert found[0].Description == "Empty the zyxwcache of the browser."
