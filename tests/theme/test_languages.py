"""The portal's languages: negotiation, the header's switcher, a member's choice.

Through HTTP on the demo site (plone.protect on): a browser asking for German
gets ``<html lang="de">``; the switcher's links carry the token, set Plone's
language cookie and, for a signed-in member, their preferred language, which
wins over Accept-Language afterwards; an existing site gets the languages
from the upgrade step.
"""

import re
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
import transaction
from plone import api

from cpms.core.i18n import available_languages
from cpms.core.i18n import format_number
from cpms.demo import DEMO_PASSWORD
from cpms.upgrades.v20261202003 import upgrade

LANGUAGES = ["en", "de", "fr", "it", "es", "nl", "pl"]


def html_lang(page) -> str:
    return re.search(r"<html[^>]*\blang=\"([^\"]+)\"", page.text).group(1)


def switcher_links(page) -> dict[str, str]:
    """{language code: href} of the header's switcher."""
    nav = re.search(
        r'<nav id="cpms-language-switcher".*?</nav>', page.text, re.S
    ).group(0)
    return {
        code: href.replace("&amp;", "&")
        for href, code in re.findall(r'<a href="([^"]+)"\s+lang="([a-z]+)"', nav)
    }


@pytest.fixture
def url(demo_functional_portal):
    return demo_functional_portal.absolute_url()


def test_the_portal_offers_seven_languages(demo_portal):
    assert api.portal.get_registry_record("plone.available_languages") == LANGUAGES
    assert available_languages() == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_accept_language_decides_for_a_visitor(url, language):
    page = requests.get(url, headers={"Accept-Language": language}, timeout=60)
    assert html_lang(page) == language


def test_an_unknown_language_falls_back_to_english(url):
    page = requests.get(url, headers={"Accept-Language": "sv, ja"}, timeout=60)
    assert html_lang(page) == "en"


def test_the_switcher_lists_every_language_named_in_itself(url):
    page = requests.get(url, headers={"Accept-Language": "fr"}, timeout=60)
    nav = re.search(r'<nav id="cpms-language-switcher".*?</nav>', page.text, re.S)
    assert nav, "no language switcher in the header"
    assert 'aria-label="Langue"' in nav.group(0)
    for name in ("English", "Deutsch", "Français", "Italiano", "Español"):
        assert name in nav.group(0)
    assert "Nederlands" in nav.group(0) and "Polski" in nav.group(0)
    assert re.search(r'lang="fr"\s+hreflang="fr"\s+aria-current="true"', nav.group(0))


def test_a_visitor_switches_language(url):
    session = requests.Session()
    page = session.get(url + "/guides", headers={"Accept-Language": "de"}, timeout=60)
    assert html_lang(page) == "de"
    back = session.get(switcher_links(page)["pl"], timeout=60)
    assert back.url.rstrip("/") == url + "/guides"
    assert session.cookies.get("I18N_LANGUAGE") == "pl"
    assert html_lang(back) == "pl"
    # The choice stays over the browser's language.
    again = session.get(url, headers={"Accept-Language": "de"}, timeout=60)
    assert html_lang(again) == "pl"


def test_the_switcher_never_sends_anyone_to_another_site(url):
    page = requests.get(url, timeout=60)
    link = switcher_links(page)["de"]
    query = parse_qs(urlsplit(link).query)
    evil = link.replace(
        "came_from=" + requests.utils.quote(query["came_from"][0], safe=""),
        "came_from=https%3A%2F%2Fevil.example%2F",
    )
    answer = requests.get(evil, timeout=60)
    assert urlsplit(answer.url).netloc == urlsplit(url).netloc


def test_an_unknown_language_is_refused_by_name(url):
    answer = requests.get(url + "/@@switch-language?language=xx", timeout=60)
    assert answer.status_code == 400
    assert "language" in answer.text


def test_a_members_choice_wins_over_the_browser(url, demo_functional_portal):
    session = requests.Session()
    session.auth = ("clinician", DEMO_PASSWORD)
    page = session.get(url, headers={"Accept-Language": "fr"}, timeout=60)
    assert html_lang(page) == "fr"
    session.get(switcher_links(page)["it"], timeout=60)
    transaction.begin()  # see what the request stored
    member = api.user.get(username="clinician")
    assert member.getProperty("language") == "it"
    # Another device (no cookie), a browser asking for Dutch: still Italian.
    other = requests.Session()
    other.auth = ("clinician", DEMO_PASSWORD)
    page = other.get(url, headers={"Accept-Language": "nl"}, timeout=60)
    assert html_lang(page) == "it"
    # An anonymous visitor with the same browser reads Dutch.
    page = requests.get(url, headers={"Accept-Language": "nl"}, timeout=60)
    assert html_lang(page) == "nl"


def test_a_member_switching_without_the_token_changes_nothing(
    url, demo_functional_portal
):
    session = requests.Session()
    session.auth = ("clinician", DEMO_PASSWORD)
    answer = session.get(url + "/@@switch-language?language=pl", timeout=60)
    assert answer.status_code == 403
    transaction.begin()
    assert api.user.get(username="clinician").getProperty("language") != "pl"


def test_the_personal_preferences_offer_the_languages(url):
    session = requests.Session()
    session.auth = ("clinician", DEMO_PASSWORD)
    page = session.get(url + "/@@personal-preferences", timeout=60)
    assert page.status_code == 200
    for code in ("de", "pl"):
        assert f'value="{code}"' in page.text


def test_numbers_in_the_readers_locale():
    assert format_number(12345.5, "de") == "12.345,5"
    assert format_number(12345.5, "en") == "12,345.5"
    assert format_number(1234.5, "fr", decimals=2) == "1\u202f234,50"
    assert format_number(1234.5, "pl") == "1\xa0234,5"


def test_upgrade_sets_the_languages_on_an_english_only_site(portal):
    api.portal.set_registry_record("plone.available_languages", ["en"])
    api.portal.set_registry_record("plone.use_request_negotiation", False)
    upgrade(portal.portal_setup)
    assert api.portal.get_registry_record("plone.available_languages") == LANGUAGES
    assert api.portal.get_registry_record("plone.use_request_negotiation") is True
    assert api.portal.get_registry_record("plone.use_cookie_negotiation") is True
