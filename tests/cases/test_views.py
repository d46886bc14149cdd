"""The case and its items in the web UI: legible views, the edit form's
autocomplete widgets, and validation messages in the form."""

import re

import pytest
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles
from plone.dexterity.utils import createContentInContainer
from zope.interface import alsoProvides

from cpms.cases.content.outcome_report import LIABILITY_STATEMENT
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.interfaces import ICPMSLayer
from tests.helpers.cases import make_case


def add_item(case, type_id, **fields):
    # Who may add what in which state is the case workflow's (tests/security);
    # here the item only needs to exist.
    return createContentInContainer(case, type_id, checkConstraints=False, **fields)


@pytest.fixture
def layer_request(portal):
    request = portal.REQUEST
    alsoProvides(request, ICPMSLayer)
    return request


def test_case_view_shows_readable_values(portal, case, layer_request):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    html = case.restrictedTraverse("@@view")()
    assert case.case_id in html
    assert "Blue Heron" in html
    assert "Microcephaly (HP:0000252)" in html
    assert "Bladder exstrophy (ORPHA:93930)" in html
    assert "Q64.1" in html
    assert "Test University Hospital (Graz, Austria)" in html
    assert "Paediatric urology: Bladder anomalies" in html
    assert "Female" in html
    # no raw UIDs in the page body
    assert case.referring_hcp not in html


def test_outcome_report_view_states_responsibility(portal, case, layer_request):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    report = add_item(
        case,
        "OutcomeReport",
        findings="Findings of the panel.",
        recommendations="Recommendations of the panel.",
    )
    html = report.restrictedTraverse("@@view")()
    assert "Findings of the panel." in html
    assert LIABILITY_STATEMENT in html
    case_html = case.restrictedTraverse("@@view")()
    assert report.absolute_url() in case_html


def test_contribution_view_names_author(portal, case, layer_request):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    contribution = add_item(case, "Contribution", text="I agree.")
    html = contribution.restrictedTraverse("@@view")()
    assert "I agree." in html
    assert contribution.Title().startswith("Contribution by")


def _form_fields(html):
    """The hidden inputs of a form page (the CSRF token among them)."""
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))


@pytest.fixture
def browser_case(functional_portal, request_factory):
    portal = functional_portal
    case = make_case(
        portal,
        clinical_summary="Summary.",
        clinical_question="Question?",
        hpo_terms=["HP:0000252"],
    )
    transaction.commit()
    session = request_factory(
        basic_auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), api=False
    )
    return case, session


def test_edit_form_uses_autocomplete_for_codes(browser_case):
    case, session = browser_case
    html = session.get(f"{case.absolute_url()}/edit").text
    assert "pat-select2" in html
    assert "name=cpms.vocabularies.hpo_terms" in html.replace("&amp;", "&")
    assert "name=cpms.vocabularies.orpha_diseases" in html.replace("&amp;", "&")


def test_widget_search_answers(browser_case):
    case, session = browser_case
    response = session.get(
        f"{case.absolute_url()}/@@getVocabulary",
        params={
            "name": "cpms.vocabularies.hpo_terms",
            "field": "hpo_terms",
            "query": "microcephaly",
        },
    )
    results = response.json()["results"]
    assert results[0] == {"id": "HP:0000252", "text": "Microcephaly (HP:0000252)"}


def test_edit_form_shows_field_error(browser_case):
    case, session = browser_case
    url = f"{case.absolute_url()}/edit"
    fields = _form_fields(session.get(url).text)
    data = {
        "_authenticator": fields["_authenticator"],
        "form.widgets.nickname": "jane.doe@example.org",
        "form.widgets.sex:list": "female",
        "form.widgets.year_of_birth": "2019",
        "form.widgets.referring_hcp:list": api.content.get(
            UID=case.referring_hcp
        ).getId(),
        "form.widgets.referring_clinician": TEST_USER_ID,
        "form.widgets.expertise_area:list": api.content.get(
            UID=case.expertise_area
        ).getId(),
        "form.widgets.clinical_summary": "Summary.",
        "form.widgets.clinical_question": "Question?",
        "form.widgets.hpo_terms": "HP:0000252",
        "form.buttons.save": "Save",
    }
    response = session.post(url, data=data)
    assert response.status_code == 200
    assert "Nickname: this looks like an e-mail address" in response.text
    transaction.begin()
    assert case.nickname == "Blue Heron"
    data["form.widgets.nickname"] = "Grey Heron"
    data["form.widgets.year_of_birth"] = ""
    response = session.post(url, data=data)
    assert "Year of birth or age band: give at least one of them." in response.text
    data["form.widgets.year_of_birth"] = "2018"
    response = session.post(url, data=data)
    transaction.begin()
    assert case.nickname == "Grey Heron"
    assert case.year_of_birth == 2018


def test_add_form_autocomplete_answers(browser_case, request_factory):
    case, _ = browser_case
    # a healthcare professional: who may enrol cases (cpms.cases.workflow)
    api.user.create(
        username="hp-clara",
        email="hp-clara@example.org",
        password="hp-secret-123",
        roles=["Member", HEALTHCARE_PROFESSIONAL],
    )
    transaction.commit()
    session = request_factory(basic_auth=("hp-clara", "hp-secret-123"), api=False)
    cases_url = case.aq_parent.absolute_url()
    html = session.get(
        f"{cases_url}/++add++Case", headers={"Accept": "text/html"}
    ).text.replace("&amp;", "&")
    assert "form.widgets.nickname" in html
    assert "form.widgets.case_id" not in html
    # the widget's options are JSON in an HTML attribute
    urls = re.findall(r'"vocabularyUrl": "([^"]+)"', html.replace("&quot;", '"'))
    hpo_url = next(u for u in urls if "hpo_terms" in u)
    response = session.get(hpo_url, params={"query": "microcephaly"})
    assert response.json()["results"][0]["id"] == "HP:0000252"
