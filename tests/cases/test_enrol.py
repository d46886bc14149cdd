"""Enrolling a case as a clinician meets it (zope.testbrowser on the demo
site, plone.protect on): log in, land on My cases, "New case", one form with
the facts, the care consent and a file, "Submit the case": three pages after
login. Errors name their field and how to fix it; nothing typed is lost."""

import io
from html import unescape

import pytest
import transaction
from plone import api
from plone.testing.zope import Browser

from cpms.demo import DEMO_PASSWORD

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


class CountingBrowser(Browser):
    """A browser that counts the pages it loads (a redirect is one page)."""

    loads = 0
    loads_before_login = 0

    def _processRequest(self, url, make_request):
        self.loads += 1
        return super()._processRequest(url, make_request)


@pytest.fixture
def portal(demo_functional):
    transaction.commit()
    return demo_functional["portal"]


@pytest.fixture
def logged_in(demo_functional, portal):
    """The demo clinician logged in through Plone's login form."""
    browser = CountingBrowser(demo_functional["app"])
    browser.handleErrors = False
    browser.open(f"{portal.absolute_url()}/login")
    browser.getControl(name="__ac_name").value = "clinician"
    browser.getControl(name="__ac_password").value = DEMO_PASSWORD
    browser.loads_before_login = browser.loads
    browser.getControl(name="buttons.login").click()
    return browser


def consent_form(portal, title="Care consent, French (demo)"):
    return next(
        b.getObject()
        for b in api.content.find(context=portal, portal_type="ConsentForm")
        if b.Title == title
    )


def fill_case(browser, **overrides):
    values = {
        "field.nickname": "Rowan Wren",
        "field.year_of_birth": "2019",
        "field.clinical_summary": "Valve ablation at birth; poor bladder emptying.",
        "field.clinical_question": "Is clean intermittent catheterisation advised?",
        "field.icd10_codes": "Q64.2, N31.9",
        "field.hpo_terms": "HP:0000252",
    }
    values.update(overrides)
    for name, value in values.items():
        browser.getControl(name=name).value = value
    browser.getControl(name="field.sex").value = ["female"]
    browser.getControl(name="field.expertise_area").value = [
        "posterior-urethral-valves"
    ]


def test_enrol_with_consent_and_submit_in_three_pages(logged_in, portal):
    browser = logged_in
    # The login lands on My cases, which has the way in.
    assert browser.url.endswith("/@@my-cases")
    browser.getLink("New case").click()
    assert "New case" in browser.contents
    # Required choices start empty: nothing is chosen for the clinician.
    assert browser.getControl(name="field.sex").value == [""]
    assert browser.getControl(name="field.expertise_area").value == [""]
    # Referring clinician and centre come from the user, not typed.
    assert "Clara Clinician (demo)" in browser.contents
    assert "Danube University Hospital (demo)" in browser.contents
    assert "field.referring_clinician" not in browser.contents

    fill_case(browser)
    french = consent_form(portal)
    browser.getControl(name="consent.form").value = [french.UID()]
    browser.getControl(name="consent.date").value = "2026-01-12"
    files = browser.getControl(name="files:list")
    files.add_file(io.BytesIO(PDF), "application/pdf", "urodynamics.pdf")
    # WebTest sends the files of a ``multiple`` input from a list.
    field = files._form.fields["files:list"][0]
    field.value = [field.value]
    browser.getControl("Submit the case").click()

    # My cases (where the login lands), the form, the submitted case.
    assert browser.loads - browser.loads_before_login == 3
    assert "is submitted: the coordinators are told" in browser.contents
    transaction.begin()
    case = portal.unrestrictedTraverse(
        browser.url[len(portal.absolute_url()) + 1 :].split("?")[0]
    )
    assert api.content.get_state(case) == "submitted"
    assert case.referring_clinician == "clinician"
    assert case.referring_hcp == portal["network"]["danube-university-hospital"].UID()
    assert case.icd10_codes == ["Q64.2", "N31.9"]
    consent = next(o for o in case.objectValues() if o.portal_type == "ConsentRecord")
    # Choosing the form filled its language and version.
    assert consent.consent_language == french.form_language == "fr"
    assert consent.consent_version == french.version
    assert consent.consent_form == french.UID()
    files = [o for o in case.objectValues() if o.portal_type == "MedicalFile"]
    assert [f.file.filename for f in files] == ["urodynamics.pdf"]
    # The case page shows both codes as codes, and the file to download.
    assert '<span class="cpms-chip-code">N31.9</span>' in browser.contents
    assert "Download urodynamics.pdf" in browser.contents


def test_errors_name_the_field_and_keep_what_was_typed(logged_in, portal):
    browser = logged_in
    browser.getLink("New case").click()
    fill_case(
        browser,
        **{
            "field.nickname": "",
            "field.icd10_codes": "Q64.2, banana",
            "field.year_of_birth": "",
        },
    )
    browser.getControl("Submit the case").click()
    html = browser.contents
    summary = html[html.index('id="errors"') :]
    summary = unescape(summary[: summary.index("</div>")])
    assert "Nickname: give a pseudonym for the patient" in summary
    assert "ICD-10 codes: 'BANANA' is not an ICD-10 code" in summary
    assert "Year of birth or age band: give at least one of them." in summary
    assert "Care consent: choose the consent form the patient signed" in summary
    # each message links to its field, and is said at the field too
    assert 'href="#field-nickname"' in summary
    assert html.count("Nickname: give a pseudonym for the patient") == 2
    # nothing typed is lost
    assert browser.getControl(name="field.clinical_summary").value == (
        "Valve ablation at birth; poor bladder emptying."
    )
    assert browser.getControl(name="field.sex").value == ["female"]
    assert browser.getControl(name="field.icd10_codes").value == "Q64.2, banana"
    transaction.begin()
    assert not [
        c
        for c in portal["cases"].objectValues()
        if getattr(c, "nickname", "") == "Rowan Wren"
    ]

    # fixed, saved as a draft (no consent yet): the case page says what is missing
    browser.getControl(name="field.nickname").value = "Rowan Wren"
    browser.getControl(name="field.icd10_codes").value = "Q64.2"
    browser.getControl(name="field.year_of_birth").value = "2019"
    browser.getControl("Save as draft").click()
    assert "is saved as a draft" in browser.contents
    assert "Record the care consent" in browser.contents

    # the consent link opens the same form, on the case, at its consent part
    browser.getLink("Record the care consent").click()
    assert "@@edit-case" in browser.url
    assert browser.getControl(name="field.nickname").value == "Rowan Wren"
    browser.getControl(name="consent.form").value = ["other"]
    browser.getControl(name="consent.date").value = "2026-01-12"
    browser.getControl("Submit the case").click()
    html = browser.contents
    assert "Language of the form" in html
    assert "Language of the consent form: choose the language" in html
    assert "Version of the consent form: give it as printed on the form" in html
    browser.getControl(name="consent.language").value = ["de"]
    browser.getControl(name="consent.version").value = "2.1"
    browser.getControl("Submit the case").click()
    assert "is submitted" in browser.contents


def test_unknown_codes_and_identifiers_are_refused_by_name(logged_in):
    browser = logged_in
    browser.getLink("New case").click()
    fill_case(
        browser,
        **{
            "field.hpo_terms": "HP:9999999",
            "field.clinical_summary": "Call the mother on 0664 123 45 678.",
        },
    )
    browser.getControl("Save as draft").click()
    html = unescape(browser.contents)
    assert "Phenotype (HPO terms): 'HP:9999999' is not known" in html
    assert "Clinical summary: this looks like a long number" in html


def test_only_those_who_may_enrol_see_new_case(demo_functional, portal):
    app = demo_functional["app"]
    guest = Browser(app)
    guest.addHeader("Authorization", f"Basic guest:{DEMO_PASSWORD}")
    guest.open(f"{portal.absolute_url()}/@@my-cases")
    with pytest.raises(LookupError):
        guest.getLink("New case")
    clinician = Browser(app)
    clinician.addHeader("Authorization", f"Basic clinician:{DEMO_PASSWORD}")
    clinician.open(portal.absolute_url())
    assert clinician.getLink(id="cpms-new-case").url.endswith("/@@new-case")
    anonymous = Browser(app)
    anonymous.open(portal.absolute_url())
    assert 'id="cpms-new-case"' not in anonymous.contents
