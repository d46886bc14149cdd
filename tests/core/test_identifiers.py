"""Direct identifiers in free text (cpms.core.identifiers): what is refused,
what only warns, and the ordinary clinical text that must pass."""

import json
import statistics
import time
from pathlib import Path

import pytest

from cpms.core import identifiers
from cpms.core.identifiers import find_identifiers
from cpms.core.identifiers import refusals
from cpms.core.identifiers import warnings
from cpms.core.validation import FieldError
from cpms.core.validation import identifier_problem
from cpms.core.validation import no_identifiers

ROOT = Path(__file__).parents[2]

# One of each kind the issue names, all valid (checksums hold).
IDENTIFIERS = {
    "name": "Mario Rossi",
    "italian fiscal code": "RSSMRA85T10A562S",
    "french NIR": "1 85 05 78 006 084 91",
    "german phone, international": "+49 30 12345678",
    "german phone, national": "030 12345678",
    "IBAN": "DE89 3704 0044 0532 0130 00",
}


@pytest.mark.parametrize("value", IDENTIFIERS.values(), ids=IDENTIFIERS.keys())
def test_each_identifier_is_refused_alone_and_in_a_sentence(value):
    for text in (value, f"Seen on 3 May with {value} in clinic."):
        found = refusals(text)
        assert found, text
        assert value in found[0].text or found[0].text in value


@pytest.mark.parametrize(
    "text, kind, detail",
    [
        ("RSSMRA85T10A562S", identifiers.NATIONAL_ID, "Italian fiscal code"),
        ("185057800608491", identifiers.NATIONAL_ID, "French social security"),
        ("PESEL 44051401359", identifiers.NATIONAL_ID, "Polish PESEL"),
        ("BSN 111222333", identifiers.NATIONAL_ID, ""),
        ("DNI 12345678Z", identifiers.NATIONAL_ID, "Spanish DNI"),
        ("hetu 131052-308T", identifiers.NATIONAL_ID, "Finnish"),
        ("+49 30 12345678", identifiers.PHONE, ""),
        ("tel. 0612345678", identifiers.PHONE, ""),
        ("FR76 3000 6000 0112 3456 7890 189", identifiers.IBAN, ""),
        ("write to a.b@example.org", identifiers.EMAIL, ""),
        ("see www.example.org", identifiers.URL, ""),
        ("born 12.03.2015", identifiers.DATE_OF_BIRTH, ""),
        ("geboren am 3. März 2015", identifiers.DATE_OF_BIRTH, ""),
        ("née le 12 mars 2015", identifiers.DATE_OF_BIRTH, ""),
        ("nato il 12/03/2015", identifiers.DATE_OF_BIRTH, ""),
        ("Herr Müller came with his son", identifiers.NAME, ""),
        ("Scan of John Doe.pdf", identifiers.NAME, ""),
        ("ROSSI Mario", identifiers.NAME, ""),
        ("Rossi, Mario", identifiers.NAME, ""),
        ("Lives at Via Roma 12, Milano", identifiers.ADDRESS, ""),
        ("Hauptstraße 5, 1010 Wien", identifiers.ADDRESS, ""),
        ("12 rue de la Paix", identifiers.ADDRESS, ""),
        ("ul. Marszałkowska 10", identifiers.ADDRESS, ""),
        ("221B Baker Street", identifiers.ADDRESS, ""),
    ],
)
def test_what_is_found_is_named(text, kind, detail):
    found = refusals(text)
    assert [f.kind for f in found] == [kind], found
    assert detail in identifiers.describe(found[0])


def test_the_message_names_the_field_quotes_and_says_how_to_fix():
    with pytest.raises(FieldError) as error:
        no_identifiers("Clinical summary")("Seen with Mario Rossi, his father.")
    assert str(error.value) == (
        'Clinical summary: this looks like a personal name: "Mario Rossi". '
        "Remove the name; refer to the patient by the case id or the nickname, "
        "and to relatives by their relation (mother, brother)."
    )
    with pytest.raises(FieldError, match="Italian fiscal code.*RSSMRA85T10A562S"):
        no_identifiers("Nickname")("RSSMRA85T10A562S")


CLINICAL = [
    "BP 120/80 mmHg, HR 72/min, temperature 38.5 °C.",
    "Methotrexate 15 mg/m2 weekly, folic acid 5 mg; prednisolone 2 mg/kg/day.",
    "Hb 9.8 g/dl, platelets 250000/µl, CRP 12.3 mg/l, creatinine 0.45 mg/dl.",
    "Viral load 1 200 000 copies/ml; eGFR 45 ml/min/1.73 m2.",
    "Onset of symptoms on 12.03.2015; surgery 2016-05-04; MRI 03/2019.",
    "Followed between 2015-2018 at the metabolic clinic.",
    "Born at term after an uneventful pregnancy, birth weight 3.2 kg.",
    "Wilson disease, Crohn disease, Down syndrome and Marfan syndrome excluded.",
    "Ehlers-Danlos syndrome, hypermobile type; Charcot-Marie-Tooth type 1A.",
    "Charles Bonnet syndrome; Morbus Addison; Alport syndrome; Noonan syndrome.",
    "BRCA1 and BRCA2 negative; COL4A5 variant c.1521_1523delCTT (p.Phe508del).",
    "NM_000492.4:c.1521_1523del, g.117559590_117559592del, rs121908745.",
    "ORPHA:558, ORPHA:93930; HP:0001250, HP:0000252; ICD-10 Q87.4, E34.5.",
    "chr7:117559590 in GRCh38; OMIM 154700; PMID: 31234567.",
    "Rossi M, Bianchi L, et al. Orphanet J Rare Dis 2019;14:12. "
    "doi:10.1186/s13023-019-1234-5",
    "See https://doi.org/10.1000/xyz123 and https://www.orpha.net/en/disease.",
    "The mother reports fatigue; the brother (12 y) is unaffected.",
    "Long-standing white matter lesions; Grace period of the protocol.",
    "Dose 3.5 mg, then 7.5 mg; 10 000 IU vitamin D weekly.",
    "Age at onset 3 years; 46,XY karyotype; 47,XXY excluded.",
    "Von Willebrand factor 45 %; Factor VIII 60 IU/dl.",
    "Place 3 stents; grade 3, type 2, stage 4; in spring 2019 during 3 months.",
    "Via the femoral artery 2 stents were placed.",
]


@pytest.mark.parametrize("text", CLINICAL)
def test_ordinary_clinical_text_passes(text):
    assert refusals(text) == [], refusals(text)


def test_an_authors_name_in_a_reference_only_warns():
    text = "Mario Rossi et al. Long-term outcome. Orphanet J Rare Dis 2019;14:12."
    assert refusals(text) == []
    assert [f.text for f in warnings(text)] == ["Mario Rossi"]
    # Out of a reference, the same name refuses.
    assert [f.text for f in refusals("Mario Rossi. Long-term outcome.")] == [
        "Mario Rossi"
    ]


def test_a_pseudonym_of_nature_words_is_no_name():
    assert refusals("Rowan Wren") == []
    assert refusals("Robin Heron") == []
    assert [f.text for f in refusals("Hazel Smith")] == ["Hazel Smith"]


def test_a_colleague_with_an_academic_title_only_warns():
    assert refusals("As Dr. Bianchi suggested, repeat the MRI.") == []
    assert [f.text for f in warnings("As Dr. Bianchi suggested.")] == ["Dr. Bianchi"]


def test_the_old_api_still_answers():
    assert identifier_problem("write to a.b@example.org") == "an e-mail address"
    assert "long number" in identifier_problem("MRN 1234 5678")
    assert identifier_problem("see www.example.org") == "a web address"
    assert identifier_problem("Hb 9.8 g/dl") is None


def test_the_medical_words_are_up_to_date():
    """medical_words.txt is what the coding slice's labels give today:
    rebuild with ``python -m cpms.core.identifiers src/cpms/coding/data``."""
    expected = identifiers.build_medical_words(
        identifiers.labels_from(ROOT / "src/cpms/coding/data")
    )
    assert identifiers.DATA.read_text(encoding="utf-8").splitlines() == expected
    eponyms, words = identifiers.medical_words()
    assert "Wilson" in eponyms
    assert "long" in words


def _docs_example_texts():
    """String values of the request bodies of docs/api.md's examples that
    are accepted (a 2xx answer)."""
    from tests.docs.api_examples import parse
    from tests.docs.api_examples import split_message

    for section in parse():
        for example in section.examples:
            status = int(split_message(example.response)[0].split()[1])
            body = split_message(example.request)[2]
            if status >= 300 or not body.startswith("{"):
                continue
            try:
                data = json.loads(body)
            except ValueError:
                continue
            for key, value in data.items():
                if isinstance(value, str) and not key.startswith("@"):
                    yield f"{section.title}: {key}", value


def test_the_docs_examples_pass():
    texts = list(_docs_example_texts())
    assert len(texts) > 20
    refused = [(where, text, refusals(text)) for where, text in texts]
    # A professional's address, name and user id (an invited expert's) are
    # meant to be there; they are never a case's text.
    refused = [
        r
        for r in refused
        if r[2] and not r[0].endswith((": email", ": fullname", ": user"))
    ]
    assert not refused


def test_a_2000_character_summary_is_checked_quickly():
    summary = (" ".join(CLINICAL) + " ") * 3
    summary = summary[:2000]
    find_identifiers(summary)
    timings = []
    for _ in range(30):
        started = time.perf_counter()
        find_identifiers(summary)
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    print(f"median {median:.2f} ms for {len(summary)} characters")
    assert median < 50
