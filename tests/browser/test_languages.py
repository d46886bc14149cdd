"""The portal in each reader's language, in headless Chromium.

With Accept-Language set to de, fr, it, es, nl and pl, the front page, My
cases, the case workspace, the enrolment pages and the coordinator dashboard
say ``<html lang>`` in that language, and their visible text holds no English
msgid of our catalogue (that has a different translation) nor Plone's obvious
English UI strings. The header's switcher changes the language; a member's
preferred language wins over Accept-Language. Screenshots of the German
workspace and the Polish front page at 1280 and 390 px (`make screenshots`
puts them in docs/screenshots/).
"""

import re
from pathlib import Path

import polib
import pytest
import transaction
from plone import api

from tests.browser.pages import DESKTOP
from tests.browser.pages import PHONE
from tests.browser.pages import log_in
from tests.helpers.browser import SCREENSHOTS
from tests.helpers.browser import chromium

pytestmark = pytest.mark.slow

LOCALES = Path(__file__).resolve().parents[2] / "src" / "cpms" / "locales"
LANGUAGES = ("de", "fr", "it", "es", "nl", "pl")

# user -> the pages that user reads (paths under the portal)
PAGES = {
    None: {"front page": "/"},
    "clinician": {
        "my cases": "/@@my-cases",
        "new case": "/@@new-case",
        "edit case": "/cases/demo-blue-heron/@@edit-case",
        "case draft": "/cases/demo-blue-heron",
        "case in discussion": "/cases/demo-silver-otter",
    },
    "coordinator": {
        "coordinator dashboard": "/@@coordinator-dashboard",
        "case submitted": "/cases/demo-silver-otter",
    },
}

# Plone's own words a page in another language must not show in English
# (plone.app.locales translates them).
PLONE_ENGLISH = ("You are here:", "Home", "Log out", "Log in", "Search Site")


def english_of(language: str) -> tuple[set[str], list[str]]:
    """Our msgids a page in ``language`` must not show: whole lines (short
    ones) and phrases of four words or more (anywhere in the text)."""
    po = polib.pofile(str(LOCALES / language / "LC_MESSAGES" / "cpms.po"))
    lines, phrases = set(), []
    for entry in po:
        msgid, msgstr = entry.msgid, entry.msgstr
        if "${" in msgid or not msgstr or msgstr.strip() == msgid.strip():
            continue
        if not re.search(r"[A-Za-z]{3}", msgid) or "_" in msgid:
            continue  # codes and ids, not words
        lines.add(msgid.strip())
        if len(msgid.split()) >= 4:
            phrases.append(msgid.strip())
    return lines, phrases


def plone_words(language: str) -> set[str]:
    """Plone's own words in ``language`` (plone.app.locales): a line that is
    one of them is translated, even when it spells like an English msgid of
    ours (Polish "Start" is Plone's "Home")."""
    import plone.app.locales

    path = (
        Path(plone.app.locales.__file__).parent
        / "locales"
        / language
        / "LC_MESSAGES"
        / "plone.po"
    )
    return {entry.msgstr.strip() for entry in polib.pofile(str(path)) if entry.msgstr}


def our_words(language: str) -> set[str]:
    po = polib.pofile(str(LOCALES / language / "LC_MESSAGES" / "cpms.po"))
    return {entry.msgstr.strip() for entry in po if entry.msgstr}


def untranslated(text: str, language: str) -> list[str]:
    lines, phrases = english_of(language)
    # A line that is a translation in this language is translated, even if it
    # spells like an English msgid (Italian "Guide", Plone's Dutch "Home").
    translated = plone_words(language) | our_words(language)
    found = []
    for line in (line.strip() for line in text.splitlines()):
        if line in translated:
            continue
        if line in lines or line in PLONE_ENGLISH:
            found.append(line)
    found += [phrase for phrase in phrases if phrase in text]
    return sorted(set(found))


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture
def url(demo_functional_portal):
    return demo_functional_portal.absolute_url()


def _tab(browser, url, user, language, viewport=DESKTOP):
    context = browser.new_context(
        viewport=viewport,
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    if user:
        log_in(page, url, user)
    return context, page


def _read(page, address) -> tuple[str, str]:
    page.goto(address, wait_until="domcontentloaded")
    lang = page.evaluate("document.documentElement.lang")
    return lang, page.evaluate("document.body.innerText")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_in_the_browsers_language(browser, url, language):
    problems = []
    for user, pages in PAGES.items():
        context, page = _tab(browser, url, user, language)
        try:
            for name, path in pages.items():
                lang, text = _read(page, url + path)
                if lang != language:
                    problems.append(f"{user or 'visitor'} {name}: <html lang={lang}>")
                left = untranslated(text, language)
                if left:
                    problems.append(f"{user or 'visitor'} {name}: English {left}")
        finally:
            context.close()
    assert problems == []


def test_the_switcher_changes_the_language(browser, url):
    context, page = _tab(browser, url, None, "de")
    try:
        page.goto(url + "/guides", wait_until="domcontentloaded")
        assert page.evaluate("document.documentElement.lang") == "de"
        switcher = page.locator("#cpms-language-switcher")
        switcher.get_by_role("link", name="Italiano").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.url.rstrip("/").endswith("/guides")
        assert page.evaluate("document.documentElement.lang") == "it"
        assert "Anleitungen" not in page.evaluate("document.body.innerText")
        # The next page stays Italian although the browser asks for German.
        page.goto(url + "/", wait_until="domcontentloaded")
        assert page.evaluate("document.documentElement.lang") == "it"
    finally:
        context.close()


def test_the_switcher_works_on_a_phone(browser, url):
    context, page = _tab(browser, url, None, "fr", viewport=PHONE)
    try:
        page.goto(url + "/", wait_until="domcontentloaded")
        switcher = page.locator("#cpms-language-switcher")
        link = switcher.get_by_role("link", name="Nederlands")
        assert link.is_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        link.click()
        page.wait_for_load_state("domcontentloaded")
        assert page.evaluate("document.documentElement.lang") == "nl"
    finally:
        context.close()


def test_a_members_preferred_language_wins(browser, url, demo_functional_portal):
    api.user.get(username="clinician").setMemberProperties({"language": "pl"})
    transaction.commit()
    context, page = _tab(browser, url, "clinician", "de")
    try:
        lang, text = _read(page, url + "/@@my-cases")
        assert lang == "pl"
        assert "Moje przypadki" in text
        assert untranslated(text, "pl") == []
    finally:
        context.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}-{width}.png"),
        full_page=True,
        caret="hide",
        animations="disabled",
    )


def test_screenshots_german_workspace_and_polish_front_page(browser, url):
    for viewport in (DESKTOP, PHONE):
        context, page = _tab(browser, url, "clinician", "de", viewport=viewport)
        try:
            page.goto(url + "/cases/demo-silver-otter", wait_until="networkidle")
            assert page.evaluate("document.documentElement.lang") == "de"
            _shot(page, "workspace-de")
        finally:
            context.close()
        context, page = _tab(browser, url, None, "pl", viewport=viewport)
        try:
            page.goto(url + "/", wait_until="networkidle")
            assert page.evaluate("document.documentElement.lang") == "pl"
            _shot(page, "front-page-pl")
        finally:
            context.close()
