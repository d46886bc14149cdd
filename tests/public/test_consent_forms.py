"""The demo consent forms: 3 kinds in each of the 24 official EU languages,
each a one-page PDF whose text is in its language, listed and picked."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
import transaction
from plone import api
from plone.testing.zope import Browser

from cpms.demo import DEMO_PASSWORD
from cpms.demo import DEMO_TAG
from cpms.public import consent_pdf
from cpms.public.vocabularies import EU_LANGUAGES
from cpms.public.vocabularies import consent_forms

KINDS = ("care", "registries", "research")

# Words a reader of each language expects in a consent form, written here
# independently of the texts: a form whose text were English (or another
# language) would lack them.
OWN_WORDS = {
    "bg": ("съгласие", "здравето"),
    "cs": ("souhlas", "zdraví"),
    "da": ("samtykke", "helbred"),
    "de": ("Einwilligung", "Gesundheit"),
    "el": ("συγκατάθεση", "υγεία"),
    "en": ("consent", "health"),
    "es": ("consentimiento", "salud"),
    "et": ("nõusolek", "tervise"),
    "fi": ("suostumus", "terveyttäni"),
    "fr": ("consentement", "santé"),
    "ga": ("toiliú", "shláinte"),
    "hr": ("privola", "zdravlju"),
    "hu": ("hozzájárulás", "egészségemre"),
    "it": ("consenso", "salute"),
    "lt": ("sutikimas", "sveikatą"),
    "lv": ("piekrišana", "veselību"),
    "mt": ("kunsens", "saħħti"),
    "nl": ("toestemming", "gezondheid"),
    "pl": ("zgoda", "zdrowiu"),
    "pt": ("consentimento", "saúde"),
    "ro": ("consimțământ", "sănătatea"),
    "sk": ("súhlas", "zdraví"),
    "sl": ("privolitev", "zdravju"),
    "sv": ("samtycke", "hälsa"),
}
GREEK = re.compile(r"[\u0370-\u03ff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _flat(text: str) -> str:
    """Extracted text with its line breaks as spaces: sentences wrap."""
    return " ".join(text.split())


def _english_sentences() -> list[str]:
    english = consent_pdf.text("en")
    return [
        sentence
        for kind in KINDS
        for sentence in consent_pdf.sentences("en", kind)
        if len(sentence.split()) > 3
    ] + [english["demo"], english["labels"]["patient"]]


def test_texts_cover_24_languages_and_3_kinds():
    assert set(consent_pdf.languages()) == set(EU_LANGUAGES)
    assert len(EU_LANGUAGES) == 24
    assert set(consent_pdf.versions()) == set(KINDS)
    english = consent_pdf.text("en")
    for language in EU_LANGUAGES:
        text = consent_pdf.text(language)
        assert text["language"] == language
        assert set(text["kinds"]) == set(KINDS)
        assert text["labels"].keys() == english["labels"].keys()
        assert text["common"].keys() == english["common"].keys()
        if language != "en":
            assert text["demo"] != english["demo"]
            # Translated, not copied: no sentence is the English one.
            assert not set(consent_pdf.sentences(language, "care")) & set(
                consent_pdf.sentences("en", "care")
            )


def test_font_missing_is_said_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(consent_pdf, "FONT_DIR", tmp_path)
    consent_pdf._font.cache_clear()
    try:
        with pytest.raises(consent_pdf.FontMissing, match="fonts-dejavu-core"):
            consent_pdf._font()
    finally:
        consent_pdf._font.cache_clear()


def test_the_font_cut_leaves_nothing_in_tmp_when_the_process_ends():
    """Each process cuts the font once into a folder of its own; a server
    restarted every night must not leave one folder a day behind."""
    script = (
        "from cpms.public import consent_pdf; "
        "consent_pdf.render('de', 'care'); print(consent_pdf._font())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    font = Path(done.stdout.strip().splitlines()[-1])
    assert font.name == consent_pdf.FONT_FILE
    assert not font.parent.exists(), f"{font.parent} left behind"


def _demo_forms():
    return {
        (b.getObject().form_language, b.getObject().kind): b.getObject()
        for b in api.content.find(portal_type="ConsentForm", Subject=DEMO_TAG)
    }


def test_demo_has_24_languages_times_3_kinds(demo_portal):
    forms = _demo_forms()
    assert set(forms) == {(lang, kind) for lang in EU_LANGUAGES for kind in KINDS}
    assert len(forms) == 72
    for (language, kind), form in forms.items():
        assert form.getId() == f"{kind}-{language}"
        assert form.version == consent_pdf.versions()[kind]
        assert api.content.get_state(form) == "published"


@pytest.mark.parametrize("language", EU_LANGUAGES)
def test_each_pdf_is_in_its_language(demo_portal, language):
    forms = _demo_forms()
    english = _english_sentences()
    own = consent_pdf.text(language)
    for kind in KINDS:
        form = forms[(language, kind)]
        reader = pypdf.PdfReader(io.BytesIO(form.file.data))
        assert len(reader.pages) == 1
        text = _flat(reader.pages[0].extract_text())
        # Its language, kind and version, in the text and the metadata.
        assert reader.trailer["/Root"]["/Lang"] == language
        title = reader.metadata.title
        assert own["kinds"][kind]["title"] in title
        assert own["kinds"][kind]["name"] in title
        assert consent_pdf.versions()[kind] in title
        assert f"({language})" in text
        assert own["kinds"][kind]["name"] in text
        assert f"{own['labels']['version']} {consent_pdf.versions()[kind]}" in text
        # Its own translated sentences, whole.
        for sentence in consent_pdf.sentences(language, kind):
            assert sentence in text, (language, kind, sentence)
        assert own["demo"] in text
        # Words of the language, chosen independently of the texts.
        lowered = text.lower()
        for word in OWN_WORDS[language]:
            assert word.lower() in lowered, (language, kind, word)
        if language == "el":
            assert len(GREEK.findall(text)) > 200
        elif language == "bg":
            assert len(CYRILLIC.findall(text)) > 200
        else:
            assert not GREEK.search(text) and not CYRILLIC.search(text)
        if language != "en":
            for sentence in english:
                assert sentence not in text, (language, kind, sentence)


def test_consent_forms_page_lists_all_72_by_language(demo_http):
    html = demo_http().get("/consent-forms").text
    assert "72 form(s) in" in html and "24 language(s)" in html
    pdfs = re.findall(r'<a href="([^"]+\.pdf)" class="cpms-pdf"', html)
    assert len(pdfs) == 72
    assert {p.rsplit("/", 1)[-1] for p in pdfs} == {
        f"consent-{kind}-{lang}.pdf" for lang in EU_LANGUAGES for kind in KINDS
    }
    # Each language headed in English and in itself.
    assert re.search(r'Greek\s*·\s*<span lang="el"[^>]*>Ελληνικά</span>', html)
    assert re.search(r'Maltese\s*·\s*<span lang="mt"[^>]*>Malti</span>', html)
    # What the patient reads, marked with its language for screen readers.
    assert re.search(
        r'<div class="small" lang="pl"[^>]*>Zgoda na omówienie mojego przypadku', html
    )


def test_consent_forms_page_filters_by_kind(demo_http):
    html = demo_http().get("/consent-forms", params={"kind": "research"}).text
    pdfs = re.findall(r'<a href="([^"]+\.pdf)" class="cpms-pdf"', html)
    assert len(pdfs) == 24
    assert all("consent-research-" in p for p in pdfs)


def test_enrolment_picker_offers_every_care_form(demo_functional):
    """Enrolling a case, a clinician chooses the care form among all 24."""
    portal = demo_functional["portal"]
    transaction.commit()
    browser = Browser(demo_functional["app"])
    browser.handleErrors = False
    browser.open(f"{portal.absolute_url()}/login")
    browser.getControl(name="__ac_name").value = "clinician"
    browser.getControl(name="__ac_password").value = DEMO_PASSWORD
    browser.getControl(name="buttons.login").click()
    browser.getLink("New case").click()
    picker = browser.getControl(name="consent.form")
    labels = [label for label in picker.displayOptions if "(demo)" in label]
    assert len(labels) == 24
    assert all(label.startswith("Care consent, ") for label in labels)
    assert "Care consent, Maltese (demo) (Maltese, version 3.0)" in labels


def test_consent_record_picker_offers_every_form(demo_portal):
    """Recording any consent on a case, the form is one of all 72."""
    terms = list(consent_forms(demo_portal))
    assert len([t for t in terms if "(demo)" in t.title]) >= 72
    titles = {t.title for t in terms}
    assert "Care consent, German (demo) (German · Deutsch, version 3.0)" in titles
    assert (
        "Research consent, Bulgarian (demo) (Bulgarian · Български, version 1.4)"
        in titles
    )
