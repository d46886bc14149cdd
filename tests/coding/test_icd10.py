"""WHO ICD-10 (2019) as a real code list: unknown codes are refused with the
reason, in the enrolment form and over REST; codes are found by title."""

from html import unescape

import pytest
import transaction
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

from cpms.cases.content.case import ICase
from cpms.coding.validation import icd10_constraint
from cpms.core.validation import FieldError
from tests.cases.test_enrol import fill_case
from tests.cases.test_enrol import logged_in  # noqa: F401 (fixture)
from tests.cases.test_enrol import portal  # noqa: F401 (fixture)
from tests.cases.test_rest import rest_network  # noqa: F401 (fixture)

REASON = "ICD-10 codes: 'X99.ZZZZ' is not a code of WHO ICD-10 (2019)"


def icd10():
    return getUtility(IVocabularyFactory, name="cpms.vocabularies.icd10_codes")()


def test_unknown_code_refused_with_the_reason():
    with pytest.raises(FieldError) as info:
        icd10_constraint("X99.ZZZZ")
    assert "not a code of WHO ICD-10 (2019)" in info.value.doc()
    assert "choose it from the list" in info.value.doc()
    with pytest.raises(Exception, match="WHO ICD-10"):
        ICase["icd10_codes"].validate(["Q64.1", "X99.ZZZZ"])


@pytest.mark.parametrize("code", ["Q64.1", "Q64", "N13.5", "U07.1", "Q54.10"])
def test_known_codes_and_national_extensions_accepted(code):
    assert icd10_constraint(code)


@pytest.mark.parametrize("code", ["K66.3", "X99.1Z", "A00.5"])
def test_codes_of_the_right_shape_but_not_in_the_list_refused(code):
    with pytest.raises(FieldError, match="WHO ICD-10"):
        icd10_constraint(code)


def test_exstrophy_finds_q64_1(integration):
    terms = icd10().search("exstrophy")
    assert terms[0].value == "Q64.1"
    assert terms[0].title == "Exstrophy of urinary bladder (Q64.1)"


def test_search_by_code_with_or_without_dot(integration):
    vocab = icd10()
    assert vocab.search("Q64.1")[0].value == "Q64.1"
    assert vocab.search("q641")[0].value == "Q64.1"
    # a category lists itself first, then its subcategories
    values = [t.value for t in vocab.search("Q64")]
    assert values[0] == "Q64"
    assert {"Q64.0", "Q64.1", "Q64.2"} <= set(values)


def test_enrolment_page_autocomplete_finds_q64_1(logged_in):  # noqa: F811
    """The ICD-10 box of @@new-case asks @@getVocabulary like ORPHA and HPO."""
    browser = logged_in
    browser.getLink("New case").click()
    html = unescape(browser.contents)
    marker = "@@getVocabulary?name=cpms.vocabularies.icd10_codes&field=icd10_codes"
    start = html.index("/++add++Case/" + marker)
    url = html[html.rindex('"', 0, start) + 1 : start] + "/++add++Case/" + marker
    browser.open(f"{url}&query=exstrophy")
    import json

    results = json.loads(browser.contents)["results"]
    assert results[0] == {"id": "Q64.1", "text": "Exstrophy of urinary bladder (Q64.1)"}


def test_enrolment_form_refuses_unknown_code(logged_in):  # noqa: F811
    browser = logged_in
    browser.getLink("New case").click()
    fill_case(browser, **{"field.icd10_codes": "Q64.2, X99.ZZZZ"})
    browser.getControl("Submit the case").click()
    html = browser.contents
    summary = unescape(html[html.index('id="errors"') :])
    summary = summary[: summary.index("</div>")]
    assert REASON in summary
    assert 'href="#field-icd10_codes"' in summary
    assert browser.getControl(name="field.icd10_codes").value == "Q64.2, X99.ZZZZ"


def rest_body(network):
    return {
        "@type": "Case",
        "nickname": "Blue Heron",
        "sex": "female",
        "year_of_birth": 2019,
        "referring_hcp": network["hcp"],
        "referring_clinician": "admin",
        "expertise_area": network["area"],
        "clinical_summary": "Recurrent urinary tract infections since infancy.",
        "clinical_question": "Is surgery indicated now or later?",
        "icd10_codes": ["Q64.1", "X99.ZZZZ"],
    }


def test_rest_refuses_unknown_code_with_400(manager_request, rest_network):  # noqa: F811
    response = manager_request.post("/cases", json=rest_body(rest_network))
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert "icd10_codes" in message
    assert REASON in message


def test_rest_vocabulary_search(manager_request, rest_network):  # noqa: F811
    response = manager_request.get(
        "/@vocabularies/cpms.vocabularies.icd10_codes?title=exstrophy"
    )
    assert response.status_code == 200, response.text
    assert response.json()["items"][0] == {
        "token": "Q64.1",
        "title": "Exstrophy of urinary bladder (Q64.1)",
    }


def test_case_page_chips_show_the_icd10_title(logged_in, portal):  # noqa: F811
    transaction.begin()
    case = next(
        c
        for c in portal["cases"].objectValues()
        if getattr(c, "nickname", "") == "Silver Otter (demo)"
    )
    url = case.absolute_url()
    browser = logged_in
    browser.open(url)
    html = browser.contents
    chips = html[html.index("cpms-field-icd10_codes") :]
    chips = chips[: chips.index("</ul>")]
    assert "Q64.1" in chips
    assert "Exstrophy of urinary bladder" in chips
