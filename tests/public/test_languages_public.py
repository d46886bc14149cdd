"""Guides and common problems in English and German, chosen by the reader's
language: translations sit next to their originals (Plone's ``language``
field, ``translation_of`` of the cpms.translation behaviour); section pages
list one page of each original and its translations."""

import re

import pytest
import transaction
from plone import api
from plone.testing.zope import Browser
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

from cpms.demo import DEMO_PASSWORD
from cpms.demo.public import FAQS
from cpms.demo.public import FAQS_DE
from cpms.demo.public import GUIDES
from cpms.demo.public import GUIDES_DE
from cpms.public.translations import BEHAVIOR
from cpms.public.translations import pick
from cpms.upgrades.v20261202004 import upgrade


def german(session):
    session.headers["Accept-Language"] = "de"
    return session


def test_demo_has_german_translations_linked_to_originals(demo_portal):
    guides = demo_portal["guides"]
    for spec in GUIDES:
        translation = guides[f"{spec['id']}-de"]
        assert translation.language == "de"
        assert guides[spec["id"]].language == "en"
        assert translation.translation_of.to_object == guides[spec["id"]]
        assert api.content.get_state(translation) == "published"
    problems = demo_portal["common-problems"]
    for entry_id, category, _question, _answer in FAQS:
        translation = problems[f"{entry_id}-de"]
        assert translation.language == "de" and translation.category == category
        assert translation.translation_of.to_object == problems[entry_id]
    assert len(api.content.find(portal_type="FAQEntry", Language="de")) >= len(FAQS_DE)


def test_guides_page_lists_each_guide_once_in_the_readers_language(demo_http):
    english = demo_http().get("/guides").text
    deutsch = german(demo_http()).get("/guides").text
    for spec in GUIDES:
        title_de = GUIDES_DE[spec["id"]][0]
        assert spec["title"] in english and title_de not in english
        assert title_de in deutsch and spec["title"] not in deutsch
    # Each card says its language, for screen readers and translators.
    assert len(re.findall(r'<article class="card h-100" lang="de"', deutsch)) == len(
        GUIDES
    )


def test_common_problems_in_german_keep_their_categories_and_search(demo_http):
    session = german(demo_http())
    html = session.get("/common-problems").text
    for entry_id, _category, question, _answer in FAQS:
        assert FAQS_DE[entry_id][0] in html
        assert question not in html
    html = session.get("/common-problems", params={"category": "browsers"}).text
    assert len(re.findall(r'class="mb-2 cpms-faq-entry"', html)) == 2
    assert FAQS_DE["browsers-blank-page"][0] in html
    # A German word finds the German answer.
    html = session.get("/common-problems", params={"q": "Mikrofon"}).text
    assert FAQS_DE["video-no-sound"][0] in html
    # English readers still get the English answers.
    html = demo_http().get("/common-problems", params={"category": "browsers"}).text
    assert "After logging in I see a blank page (demo)" in html
    assert FAQS_DE["browsers-blank-page"][0] not in html


def test_a_guide_links_to_its_other_languages(demo_http):
    html = demo_http().get("/guides/set-up-a-patient-panel").text
    assert re.search(
        r'<a href="[^"]+/guides/set-up-a-patient-panel-de"[^>]*hreflang="de"', html
    )
    assert re.search(r'<article class="cpms-guide" lang="en"', html)
    html = demo_http().get("/guides/set-up-a-patient-panel-de").text
    assert re.search(
        r'<a href="[^"]+/guides/set-up-a-patient-panel"[^>]*>English<', html
    )
    # Related guides of the German guide are the German ones.
    assert "/guides/join-panels-and-video-meetings-de" in html
    html = demo_http().get("/common-problems/video-no-sound-de").text
    assert re.search(r'<a href="[^"]+/common-problems/video-no-sound"', html)


def test_untranslated_guide_shown_in_the_site_language(
    demo_http, demo_functional_portal
):
    portal = demo_functional_portal
    with api.env.adopt_roles(["Manager"]):
        guide = api.content.create(
            container=portal["guides"],
            type="Guide",
            id="only-in-english",
            title="Only in English (demo)",
            steps="<ol><li>One step.</li></ol>",
            language="en",
        )
        api.content.transition(obj=guide, transition="submit")
        api.content.transition(obj=guide, transition="publish")
    transaction.commit()
    try:
        html = german(demo_http()).get("/guides").text
        assert "Only in English (demo)" in html
    finally:
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(obj=portal["guides"]["only-in-english"])
        transaction.commit()


def test_a_draft_translation_is_not_shown(demo_http, demo_functional_portal):
    portal = demo_functional_portal
    guides = portal["guides"]
    with api.env.adopt_roles(["Manager"]):
        draft = api.content.create(
            container=guides,
            type="Guide",
            id="set-up-a-patient-panel-fr",
            title="Préparer un panel (brouillon)",
            steps="<ol><li>Étape.</li></ol>",
            language="fr",
        )
        draft.translation_of = RelationValue(
            getUtility(IIntIds).getId(guides["set-up-a-patient-panel"])
        )
    transaction.commit()
    try:
        session = demo_http()
        session.headers["Accept-Language"] = "fr"
        html = session.get("/guides").text
        assert "Préparer un panel" not in html
        assert "Set up a patient panel (demo)" in html
        html = demo_http().get("/guides/set-up-a-patient-panel").text
        assert "set-up-a-patient-panel-fr" not in html
    finally:
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(obj=guides["set-up-a-patient-panel-fr"])
        transaction.commit()


class Page:
    def __init__(self, uid, language, original=None):
        self._uid, self.language = uid, language
        if original is not None:
            self.translation_of = type(
                "Relation",
                (),
                {"to_object": original, "isBroken": lambda self: False},
            )()

    def UID(self):
        return self._uid


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", ["a-de", "b"]),
        ("en", ["a", "b"]),
        ("fr", ["a", "b"]),
        ("pl", ["a", "b-pl"]),
    ],
)
def test_pick_prefers_the_language_then_the_site_language(portal, language, expected):
    a = Page("a", "en")
    b = Page("b", "")  # no language given: the site's
    pages = [a, b, Page("a-de", "de", a), Page("b-pl", "pl", b)]
    assert [p.UID() for p in pick(pages, language)] == expected


def test_upgrade_gives_existing_types_the_behaviour(portal):
    types = api.portal.get_tool("portal_types")
    for name in ("Guide", "FAQEntry"):
        types[name].behaviors = tuple(b for b in types[name].behaviors if b != BEHAVIOR)
    upgrade(None)
    upgrade(None)  # twice: no duplicate
    for name in ("Guide", "FAQEntry"):
        assert list(types[name].behaviors).count(BEHAVIOR) == 1


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "Disease, phenotype and code names are in English"),
        ("de", "Krankheits-, Phänotyp- und Codebezeichnungen sind auf Englisch"),
        ("pl", "Nazwy chorób, fenotypów i kodów są w języku angielskim"),
    ],
)
def test_enrolment_says_the_coding_names_are_english(demo_functional, language, note):
    """ORPHA, HPO and ICD-10 are used in English, their source language: the
    enrolment page says so, in the clinician's language."""
    portal = demo_functional["portal"]
    transaction.commit()
    browser = Browser(demo_functional["app"])
    browser.handleErrors = False
    browser.addHeader("Accept-Language", language)
    browser.open(f"{portal.absolute_url()}/login")
    browser.getControl(name="__ac_name").value = "clinician"
    browser.getControl(name="__ac_password").value = DEMO_PASSWORD
    browser.getControl(name="buttons.login").click()
    browser.open(f"{portal.absolute_url()}/@@new-case")
    assert note in " ".join(browser.contents.split())
    assert 'aria-describedby="help-hpo_terms help-coding-language"' in browser.contents


def test_newsletter_dates_in_the_readers_language(demo_http):
    from cpms.core.i18n import format_date
    from cpms.demo.public import NEWSLETTERS

    issued = NEWSLETTERS[0][1]
    english = demo_http().get("/newsletter").text
    deutsch = german(demo_http()).get("/newsletter").text
    assert format_date(issued, "en") in english
    assert format_date(issued, "de") in deutsch
    assert format_date(issued, "en") not in deutsch
    issue = german(demo_http()).get("/newsletter/issue-1").text
    assert format_date(issued, "de") in issue
