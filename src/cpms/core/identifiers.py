"""Direct identifiers of a patient in free text, found with maintained data.

A case is pseudonymised: its texts must not name the patient, nor give a
number, address or date that leads to them. ``find_identifiers`` reads a
text and returns what it found, each ``Finding`` with its kind, the quoted
text, what it looks like, how to fix it, and whether it refuses the text or
only warns. What refuses and what warns is written down in docs/privacy.md.

The knowledge comes from maintained libraries, not from our own patterns:

- national identification numbers of the EU/EEA states and their checksums,
  and IBANs with theirs: python-stdnum (``NATIONAL_IDS``, ``stdnum.iban``);
- phone numbers of the EU/EEA numbering plans: phonenumbers, whose matcher
  also knows what is not a phone number (dates, times, page ranges);
- personal names: Faker's per-locale first-name and surname lists of the
  European languages, loaded once into frozensets;
- the words that look like names but are medicine (eponyms such as Wilson or
  Crohn, and plain words such as Long or White): the ORPHA and HPO labels the
  coding slice ships, reduced to those words in ``medical_words.txt``
  (``python -m cpms.core.identifiers src/cpms/coding/data`` rebuilds it;
  a test fails when it is out of date).

Our own code only cuts the text into candidates (so "120/80 mmHg", "3.5 mg",
an HPO id or an HGVS variant never reach a checksum) and knows the words that
mark a date of birth, a title, a literature reference or a street (no
maintained library for European addresses is among the dependencies).

Everything is linear in the length of the text: the candidate patterns have
no nested repetition and every library call sees one short candidate.
"""

import gzip
import importlib
import re
import sys
from dataclasses import dataclass
from functools import cache
from functools import lru_cache
from pathlib import Path

import phonenumbers
from stdnum import iban as stdnum_iban

from cpms import _
from cpms.core.countries import EU_EEA_STATES

DATA = Path(__file__).parent / "medical_words.txt"

# --- what a finding is -------------------------------------------------------

NAME = "name"
NATIONAL_ID = "national_id"
IBAN = "iban"
PHONE = "phone"
EMAIL = "email"
URL = "url"
DATE_OF_BIRTH = "date_of_birth"
LONG_NUMBER = "long_number"
ADDRESS = "address"

WHAT = {
    NAME: _("a personal name"),
    NATIONAL_ID: _("a national identification number"),
    IBAN: _("a bank account number (IBAN)"),
    # "a long number" first: it is what someone who typed digits recognises.
    PHONE: _("a long number that is a phone number"),
    EMAIL: _("an e-mail address"),
    URL: _("a web address"),
    DATE_OF_BIRTH: _("a date of birth"),
    LONG_NUMBER: _("a long number (an id, record or phone number)"),
    ADDRESS: _("a street address"),
}

FIX = {
    ADDRESS: _(
        "Remove the address; the referring centre is recorded in its own field "
        "and the patient's home is not needed."
    ),
    NAME: _(
        "Remove the name; refer to the patient by the case id or the nickname, "
        "and to relatives by their relation (mother, brother)."
    ),
    NATIONAL_ID: _(
        "Remove the number; the case id is how the network knows the patient."
    ),
    IBAN: _("Remove the account number; it does not belong in a case."),
    PHONE: _("Remove the number; people of the case are reached through the portal."),
    EMAIL: _("Remove the address; people of the case are reached through the portal."),
    URL: _(
        "Remove the web address; cite literature by its DOI or PubMed id "
        "(doi.org and pubmed links are fine)."
    ),
    DATE_OF_BIRTH: _(
        "Remove the date; give the year of birth or the age band in their own fields."
    ),
    LONG_NUMBER: _(
        "Remove the number: record, insurance and id numbers identify the "
        "patient. Give a measurement with its unit."
    ),
}

# A name found in a line that reads as a literature reference is most likely
# an author's: it warns instead of refusing.
CITATION_FIX = _(
    "If it is the author of a publication, keep it; if it names the patient "
    "or a relative, remove it."
)
# "Dr." or "Prof." before a name: most likely a colleague, not the patient.
COLLEAGUE_FIX = _(
    "If it names a colleague, prefer their role (the treating neurologist); if "
    "it names the patient or a relative, remove it."
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int
    refuse: bool = True
    detail: str = ""  # which national id, for instance
    fix: str = ""

    @property
    def what(self):
        return WHAT[self.kind]

    @property
    def how_to_fix(self):
        return self.fix or FIX[self.kind]


# --- candidates --------------------------------------------------------------

# Codes and references whose digits are not identifiers: an HPO id
# (HP:0001250), PubMed and OMIM numbers, HGVS positions (c.1521, g.117559590),
# dbSNP ids, chromosome coordinates. A number right after one is skipped.
REFERENCE_BEFORE = re.compile(
    r"(?:pmid|pmcid|pmc|omim|mim|orpha|orphacode|hp|doi|isbn|issn|nct|rs|vcv|"
    r"rcv|scv|ncbi|ensg|ensembl|chr[0-9xym]{0,2}|[cgmnpr]\.|"
    r"hgnc|clinvar|icd(?:-?1[01])?|ec|cas)\s*[:#.]?\s*(?:no\.?\s*)?$",
    re.IGNORECASE,
)
REFERENCE_WINDOW = 14

# Digits grouped by spaces, dots, dashes, slashes or brackets, maybe with a
# leading "+" and letters at either end (a Spanish DNI "12345678Z", a Finnish
# "131052-308T"). Not glued to a word, a colon, an underscore or a point
# (HP:0001250, NM_000492.4, c.1521_1523del, 3.5).
NUMBER = re.compile(
    r"(?<![\w:_.+/\-])"
    r"(?:\+|\b[A-Za-z](?=[\s.\-]?\d))?[\s.\-]?"
    r"\(?\d[\d\s().\-/]{3,30}\d\)?"
    r"(?:-?[A-Za-z]\b)?"
    r"(?![\w:_+]|[.,]\d)"
)
# Letters and digits in one word (RSSMRA85T10A562S, 010101A123N, 1234567TA).
ALNUM = re.compile(r"(?<![\w:_.+/\-])[A-Za-z0-9]{7,20}(?![\w:_+\-]|\.\w)")
IBAN_CANDIDATE = re.compile(
    r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{1,4}){3,9}\b", re.IGNORECASE
)
# An address is found from its "@" outwards (the part before it read
# backwards, the domain by a bounded pattern): a pattern starting before the
# "@" would rescan a long word from each of its characters (quadratic).
EMAIL_LOCAL = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_'"
)
EMAIL_AT = re.compile(r"@(?=[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,8}\.[A-Za-z]{2,24}\b)")
EMAIL_DOMAIN = re.compile(r"[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,8}\.[A-Za-z]{2,24}\b")
WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Where literature, codes and guidelines live: a link there cites, it does
# not identify anyone.
REFERENCE_HOSTS = (
    "doi.org",
    "pubmed.ncbi.nlm.nih.gov",
    "ncbi.nlm.nih.gov",
    "europepmc.org",
    "orpha.net",
    "omim.org",
    "hpo.jax.org",
    "clinicaltrials.gov",
    "who.int",
    "genenames.org",
    "ensembl.org",
    "gnomad.broadinstitute.org",
    "uniprot.org",
    "ema.europa.eu",
    "ec.europa.eu",
    "nice.org.uk",
    "awmf.org",
    "has-sante.fr",
)

# Street addresses. No maintained library for European addresses is among
# the portal's dependencies (libpostal needs its own C library and 2 GB of
# data), so these are the street words of the EU languages: a street word,
# a capitalised name and a house number ("Via Roma 12", "12 rue de la Paix",
# "ul. Marszałkowska 10"), or a compound street name and a number
# ("Hauptstraße 5", "Kerkstraat 3", "Storgatan 4"). House numbers have at
# most three digits, so "et al. ... 2019" is no address.
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-Ž"
STREET_BEFORE = re.compile(
    r"(?<![\w.])(?:Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Rue|Avenue|"
    r"Boulevard|Bd\.?|Chemin|Place|Impasse|Allée|Quai|Calle|Avenida|Av\.|Plaza|"
    r"Paseo|Carrer|Rua|Travessa|Ulica|ul\.|Aleja|Strada|Bulevardul|"
    r"Calea|Street|Road|Rue|Odos|Οδός|Οδ\.)"
    r"\s+(?:(?:d[eiu]|de la|del|della|dei|degli|delle|des|do|da|dos|das|of|the|"
    r"l'|d')\s*)?"
    rf"[{_CAPITAL}][\w'’\-]*(?:\s+[{_CAPITAL}][\w'’\-]*){{0,3}},?\s+"
    r"\d{1,3}[a-zA-Z]?(?![\w.,]\d|\s*(?:mg|ml|kg|%|mm|cm|years?|y|j|ans|anni))\b"
)
STREET_NUMBER_FIRST = re.compile(
    r"(?<![\w.,/])\d{1,3}[a-zA-Z]?,?\s+(?:(?:rue|avenue|boulevard|bd|place|"
    r"chemin|allée|impasse|quai)\s+(?:d[eu]s?\s+|de la\s+|l'|d')?"
    rf"[{_CAPITAL}][\w'’\-]*|[{_CAPITAL}][a-zà-ÿ]+(?:\s+[{_CAPITAL}][a-zà-ÿ]+)?\s+"
    r"(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Drive|Close|Crescent|Way|"
    r"Gardens|Terrace))\b"
)
STREET_COMPOUND = re.compile(
    rf"(?<![\w.])[{_CAPITAL}][\w\-]*(?:straße|strasse|str\.|gasse|weg|allee|"
    r"platz|damm|ufer|straat|laan|gracht|plein|steeg|kade|singel|gade|vej|"
    r"gatan|gata|vägen|gränd|katu|kuja|utca|út|tér|iela|gatvė|tänav|"
    r"ulica|cesta|ul\.)\s+\d{1,3}[a-zA-Z]?\b"
)


def _addresses(text):
    for pattern in (STREET_BEFORE, STREET_NUMBER_FIRST, STREET_COMPOUND):
        for match in pattern.finditer(text):
            yield Finding(ADDRESS, match.group(), match.start(), match.end())


# Dates written in full: 12.03.2015, 2015-03-12, 12/03/15, 12 March 2015.
NUMERIC_DATE = re.compile(
    r"\b(?:\d{1,2}[./\-]\d{1,2}[./\-](?:\d{4}|\d{2})|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})\b"
)
DATE_HINT = re.compile(r"\d{4}|\d[./\-]\d{1,2}[./\-]\d{2}")
YEAR_RANGE = re.compile(r"^(?:19|20)\d\d\s*[\-/–]\s*(?:19|20)\d\d$")

# The words that say "born": a full date within a few words after one of
# them is a date of birth. Other dates (onset, surgery, a test) are fine.
BIRTH_WORDS = (
    r"born|birth|birthday|dob|d\.o\.b\.?|b\.|"  # en
    r"geboren|geb\.|geburtsdatum|geburtstag|"  # de, nl (geboren)
    r"geboortedatum|"  # nl
    r"n[ée]e?|naissance|"  # fr
    r"nat[oa]|nascita|"  # it
    r"nacid[oa]|nacimiento|"  # es
    r"nascid[oa]|nascimento|"  # pt
    r"urodzon[ya]|urodzenia|ur\.|"  # pl
    r"narozen[aá]?|narodil[a]?|"  # cs, sk
    r"f[øö]dd|f[øö]dt|f\.|"  # sv, da, no
    r"syntynyt|syntym[äa]aika|"  # fi
    r"sz[üu]letett|sz[üu]l\.|"  # hu
    r"n[ăa]scut[ăa]?|"  # ro
    r"rojen[a]?|ro[dđ]en[a]?|"  # sl, hr
    r"γεννήθηκε|γέννηση|"  # el
    r"роден[а]?"  # bg
)
BIRTH = re.compile(rf"(?<!\w)(?:{BIRTH_WORDS})(?!\w)", re.IGNORECASE)
BIRTH_WINDOW = 40

# Titles before a name. Lay titles (Mr, Frau, Sig.) speak of the patient or a
# relative and refuse; academic ones (Dr, Prof) usually of a colleague: warn.
LAY_TITLES = (
    r"Mr|Mrs|Ms|Miss|Mister|Herr|Frau|Hr|Fr|Sig|Sig\.ra|Signor|Signora|"
    r"Signorina|Sr|Sra|Srta|Señor|Señora|Don|Doña|Dña|Pan|Pani|Mme|Mlle|"
    r"Monsieur|Madame|Mevr|Dhr|Mevrouw|Meneer|Fru|Sr\.a|Senhor|Senhora|"
    r"Dl|Dna|Κος|Κα|Úr|Asszony"
)
ACADEMIC_TITLES = r"Dr|Dott|Dott\.ssa|Dra|Prof|Doctor|Doktor|Professor|Mag|Ing"
TITLE = re.compile(
    rf"(?<![\w.])(?:(?P<lay>{LAY_TITLES})|(?P<academic>{ACADEMIC_TITLES}))"
    r"(?:\.|\b)\s+"
    r"(?P<name>[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*)",
)

# Words, hyphenated and with apostrophes (O'Neill, García-López).
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# The same, starting with a capital of the Latin, Greek or Cyrillic script
# (Latin Extended-A mixes cases: ``_capitalised`` checks again).
CAPITALISED_WORD = re.compile(
    r"(?<![^\W\d_'’\-])[A-ZÀ-ÖØ-ÞĀ-ſΆ-ΏΑ-ΩЀ-Я][^\W\d_]*(?:['’\-][^\W\d_]+)*"
)
FOLLOWING_WORD = re.compile(r"[ \t]*([^\W\d_]+)")
PRECEDING_WORD = re.compile(r"([^\W\d_]+)[ \t]*$")
# Nouns after an eponym: "Charles Bonnet syndrome" is not a person.
DISEASE_NOUNS = frozenset(
    [
        "syndrome",
        "syndromes",
        "disease",
        "diseases",
        "disorder",
        "sign",
        "signs",
        "anomaly",
        "phenomenon",
        "test",
        "reflex",
        "manoeuvre",
        "maneuver",
        "triad",
        "type",
        "malformation",
        "dystrophy",
        "ataxia",
        "myopathy",
        "tumour",
        "tumor",
        "cyst",
        "cell",
        "cells",
        "lesion",
        "nodules",
        "nodes",
        "palsy",
        "paralysis",
        "neuropathy",
        "criteria",
        "score",
        "scale",
        "classification",
        "procedure",
        "operation",
        "syndrom",
        "krankheit",
        "morbus",
        "erkrankung",
        "maladie",
        "sindrome",
        "malattia",
        "morbo",
        "síndrome",
        "enfermedad",
        "ziekte",
        "syndroom",
        "zespół",
        "choroba",
        "síndroma",
        "doença",
        "oireyhtymä",
        "tauti",
        "sjukdom",
        "sygdom",
    ]
)
# The words pseudonyms are made of ("Blue Heron", "Rowan Wren"): trees,
# birds, animals, colours. Some are also names; a pair of two of them is a
# pseudonym, not a person ("Hazel Smith" still is one).
PSEUDONYM_WORDS = frozenset(
    [
        "ash",
        "alder",
        "aspen",
        "birch",
        "cedar",
        "elm",
        "hazel",
        "holly",
        "juniper",
        "laurel",
        "linden",
        "maple",
        "oak",
        "olive",
        "pine",
        "poplar",
        "rowan",
        "willow",
        "yew",
        "heather",
        "ivy",
        "fern",
        "iris",
        "lily",
        "rose",
        "violet",
        "daisy",
        "jasmine",
        "myrtle",
        "sage",
        "clover",
        "basil",
        "wren",
        "robin",
        "heron",
        "finch",
        "lark",
        "swift",
        "jay",
        "hawk",
        "crane",
        "sparrow",
        "raven",
        "dove",
        "swan",
        "kite",
        "falcon",
        "owl",
        "teal",
        "martin",
        "merlin",
        "kestrel",
        "plover",
        "curlew",
        "egret",
        "ibis",
        "starling",
        "thrush",
        "linnet",
        "nightingale",
        "osprey",
        "eagle",
        "gull",
        "tern",
        "puffin",
        "fox",
        "wolf",
        "bear",
        "lynx",
        "otter",
        "badger",
        "hare",
        "deer",
        "stag",
        "fawn",
        "seal",
        "beaver",
        "blue",
        "silver",
        "grey",
        "gray",
        "red",
        "green",
        "white",
        "black",
        "brown",
        "amber",
        "coral",
        "ruby",
        "golden",
        "scarlet",
        "quiet",
        "bright",
        "swift",
        "gentle",
        "brave",
        "calm",
    ]
)
# A literature reference: "et al.", a DOI or PubMed id, "2019;12:" or "(2019)".
CITATION = re.compile(
    r"\bet\s+al\b|\bdoi\b|\bpmid\b|\bpmcid\b|pubmed|"
    r"\b(?:19|20)\d\d\s*;\s*\d|\(\s*(?:19|20)\d\d[a-z]?\s*\)|"
    r"\b(?:j|journal|lancet|nature|nejm|n engl j med|am j|eur j|hum genet|"
    r"orphanet j rare dis)\b",
    re.IGNORECASE,
)


# --- the libraries' data, loaded once ----------------------------------------

# python-stdnum's personal identification numbers of the EU/EEA states (and
# of the UK and Switzerland, whose patients the networks also see). Company,
# VAT and tax office numbers are left out: they identify no patient; so is
# Liechtenstein's PEID, which has no checksum (any number up to 12 digits).
NATIONAL_IDS = {
    "at.vnr": "Austrian social insurance number",
    "be.nn": "Belgian national register number",
    "be.bis": "Belgian BIS number",
    "bg.egn": "Bulgarian personal number (EGN)",
    "cz.rc": "Czech birth number",
    "de.idnr": "German tax identification number",
    "dk.cpr": "Danish CPR number",
    "ee.ik": "Estonian personal code",
    "es.dni": "Spanish DNI",
    "es.nie": "Spanish NIE",
    "fi.hetu": "Finnish personal identity code",
    "fr.nir": "French social security number (NIR)",
    "gr.amka": "Greek social security number (AMKA)",
    "hr.oib": "Croatian personal identification number (OIB)",
    "ie.pps": "Irish PPS number",
    "is_.kennitala": "Icelandic kennitala",
    "it.codicefiscale": "Italian fiscal code",
    "lt.asmens": "Lithuanian personal code",
    "lv.pvn": "Latvian personal code",
    "nl.bsn": "Dutch citizen service number (BSN)",
    "no.fodselsnummer": "Norwegian birth number",
    "pl.pesel": "Polish PESEL",
    "pt.cc": "Portuguese citizen card number",
    "pt.nif": "Portuguese tax number (NIF)",
    "ro.cnp": "Romanian personal numerical code (CNP)",
    "se.personnummer": "Swedish personal identity number",
    "si.emso": "Slovenian EMŠO",
    "sk.rc": "Slovak birth number",
    "gb.nhs": "NHS number",
    "ch.ssn": "Swiss social security number (AHV)",
}

# Faker's person providers of the languages spoken in the EU/EEA (and the
# UK and Switzerland).
NAME_LOCALES = [
    "bg_BG",
    "cs_CZ",
    "da_DK",
    "de_AT",
    "de_CH",
    "de_DE",
    "de_LU",
    "el_GR",
    "en_GB",
    "en_IE",
    "es_ES",
    "et_EE",
    "fi_FI",
    "fr_BE",
    "fr_CH",
    "fr_FR",
    "ga_IE",
    "hr_HR",
    "hu_HU",
    "is_IS",
    "it_IT",
    "lt_LT",
    "lv_LV",
    "nl_BE",
    "nl_NL",
    "no_NO",
    "pl_PL",
    "pt_PT",
    "ro_RO",
    "sk_SK",
    "sl_SI",
    "sv_SE",
    "en_US",
]

PHONE_REGIONS = tuple(sorted(set(EU_EEA_STATES) | {"GB", "CH"}))


@cache
def _national_id_modules():
    return [
        (importlib.import_module(f"stdnum.{path}"), label)
        for path, label in NATIONAL_IDS.items()
    ]


def _names_of(attribute_names, provider) -> set:
    found = set()
    for attribute in attribute_names:
        value = getattr(provider, attribute, None) or ()
        found.update(value)  # a tuple, or a dict of name: weight
    return found


@cache
def name_lists() -> tuple[frozenset, frozenset]:
    """First names and surnames of Faker's European locales."""
    first, last = set(), set()
    for locale in NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first |= _names_of(
            (
                "first_names",
                "first_names_male",
                "first_names_female",
                "first_names_nonbinary",
            ),
            provider,
        )
        last |= _names_of(
            ("last_names", "last_names_male", "last_names_female"), provider
        )
    keep = lambda names: frozenset(  # noqa: E731
        n for n in names if len(n) > 1 and n[0].isupper() and " " not in n
    )
    return keep(first), keep(last)


@cache
def medical_words() -> tuple[frozenset, frozenset]:
    """(eponyms, clinical words) among the names, from the shipped list."""
    eponyms, words = set(), set()
    if not DATA.exists():  # being rebuilt
        return frozenset(), frozenset()
    for line in DATA.read_text(encoding="utf-8").splitlines():
        kind, _tab, word = line.partition("\t")
        if kind == "eponym":
            eponyms.add(word)
        elif kind == "word":
            words.add(word)
    return frozenset(eponyms), frozenset(words)


def build_medical_words(label_lines) -> list[str]:
    """The lines of ``medical_words.txt`` from ORPHA and HPO labels.

    Only words that are also first names or surnames matter: an *eponym* is
    a name written capitalised inside a label ("Wilson disease", "Charcot-
    Marie-Tooth"), a *word* one the labels also use in lower case ("long",
    "white", "grace"), so it is medicine or plain language before it is a
    name.
    """
    first, last = name_lists()
    names = first | last
    lower_words, capitalised = set(), set()
    for label in label_lines:
        for index, match in enumerate(WORD.finditer(label)):
            for part in re.split(r"['’\-]", match.group()):
                if not part:
                    continue
                if part.islower():
                    lower_words.add(part)
                elif part[0].isupper() and (index or "-" in match.group()):
                    capitalised.add(part)
                elif part[0].isupper():
                    # First word of a label: capitalised by position only.
                    capitalised.add(part)
    lines = set()
    for name in names:
        if name.lower() in lower_words:
            lines.add(f"word\t{name.lower()}")
        elif name in capitalised:
            lines.add(f"eponym\t{name}")
    return sorted(lines)


def labels_from(data_dir: Path):
    # The HPO and ORPHA labels (other code systems' files may sit next to
    # them; the list is built from these two, so it does not change with them).
    for name in ("hpo_terms.tsv.gz", "orpha_diseases.tsv.gz"):
        path = Path(data_dir) / name
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                # code, title, synonyms...
                yield from line.rstrip("\n").split("\t")[1:]


def write_medical_words(data_dir: Path, out: Path = DATA) -> None:
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        "\n".join(build_medical_words(labels_from(data_dir))) + "\n", encoding="utf-8"
    )


# --- the checks --------------------------------------------------------------


def _after_reference(text: str, start: int) -> bool:
    return bool(REFERENCE_BEFORE.search(text[max(0, start - REFERENCE_WINDOW) : start]))


def _digits(value: str) -> int:
    return sum(character.isdigit() for character in value)


def _emails(text):
    for at in EMAIL_AT.finditer(text):
        start = at.start()
        while start > 0 and at.start() - start < 64 and text[start - 1] in EMAIL_LOCAL:
            start -= 1
        domain = EMAIL_DOMAIN.match(text, at.end())
        if start < at.start() and domain:
            yield Finding(EMAIL, text[start : domain.end()], start, domain.end())


def _urls(text):
    for match in WEB_ADDRESS.finditer(text):
        address = match.group().rstrip(".,;:)")
        host = re.sub(r"^(?:https?://)?", "", address, flags=re.IGNORECASE)
        host = host.split("/", 1)[0].split(":", 1)[0].lower()
        if any(host == h or host.endswith("." + h) for h in REFERENCE_HOSTS):
            continue
        yield Finding(URL, address, match.start(), match.start() + len(address))


def _ibans(text):
    for match in IBAN_CANDIDATE.finditer(text):
        groups = match.group().split(" ")
        # The pattern may take a word after the number: drop groups from the
        # end until the checksum holds (an IBAN has at least 15 characters).
        while groups and len("".join(groups)) >= 15:
            candidate = " ".join(groups)
            if stdnum_iban.is_valid(candidate):
                yield Finding(
                    IBAN, candidate, match.start(), match.start() + len(candidate)
                )
                break
            groups.pop()


@lru_cache(maxsize=4096)
def _national_id(candidate: str) -> str | None:
    for module, label in _national_id_modules():
        try:
            if module.is_valid(candidate):
                return label
        except Exception:  # noqa: BLE001,S112 a validator must never break a save
            continue
    return None


def _number_candidates(text):
    """Numbers, and runs of letters and digits, that are not codes."""
    seen = set()
    for pattern in (NUMBER, ALNUM):
        for match in pattern.finditer(text):
            value = match.group().strip()
            start = match.start() + (len(match.group()) - len(match.group().lstrip()))
            if pattern is ALNUM and (_digits(value) < 2 or value.isdigit()):
                continue
            if _after_reference(text, start) or (start, value) in seen:
                continue
            seen.add((start, value))
            yield start, value


def _pieces(start, value):
    """The candidate, then its runs of space-separated groups: "on 12 05
    12345678901" should still find the last group."""
    yield start, value
    groups = [(m.start(), m.group()) for m in re.finditer(r"\S+", value)]
    if len(groups) < 2 or len(groups) > 8:
        return
    for i in range(len(groups)):
        for j in range(len(groups), i, -1):
            if (i, j) == (0, len(groups)):
                continue
            piece = value[groups[i][0] : groups[j - 1][0] + len(groups[j - 1][1])]
            yield start + groups[i][0], piece


def _is_date_or_range(value: str) -> bool:
    bare = value.strip("()")
    return bool(NUMERIC_DATE.fullmatch(bare) or YEAR_RANGE.match(bare))


@lru_cache(maxsize=4096)
def _phone(value: str) -> bool:
    digits = _digits(value)
    international = value.startswith(("+", "00"))
    if digits < 7 or digits > 15 or (international and digits < 9):
        return False
    for region in PHONE_REGIONS:
        for _match in phonenumbers.PhoneNumberMatcher(
            value, region, leniency=phonenumbers.Leniency.VALID
        ):
            return True
        if international:
            return False  # the country code decides, not the region
    return False


def _numbers(text):
    for start, value in _number_candidates(text):
        if _is_date_or_range(value):
            continue
        found = None
        for piece_start, piece in _pieces(start, value):
            if _digits(piece) < 6 or _is_date_or_range(piece):
                continue
            # Digits grouped, or after a trunk "0" or a "+", read as a phone
            # number first: some national ids have weak checksums (one number
            # in ten passes Greece's AMKA), and "030 12345678" is a phone
            # number to anyone; an ungrouped run of digits as an id first.
            as_phone = not piece.isalnum() or piece.startswith(("0", "+"))
            label = None if as_phone and _phone(piece) else _national_id(piece)
            if label:
                found = Finding(
                    NATIONAL_ID,
                    piece,
                    piece_start,
                    piece_start + len(piece),
                    detail=label,
                )
            elif _phone(piece):
                found = Finding(PHONE, piece, piece_start, piece_start + len(piece))
            if found:
                break
        if found is None and _digits(value) >= 8 and not value[0].isalpha():
            found = Finding(LONG_NUMBER, value, start, start + len(value))
        if found:
            yield found


def _dates_of_birth(text):
    # A full date has a year of four digits, or is written 12/03/15: without
    # one, no birth word needs looking for.
    if not DATE_HINT.search(text):
        return
    for word in BIRTH.finditer(text):
        window = text[word.end() : word.end() + BIRTH_WINDOW]
        date = NUMERIC_DATE.search(window) or _written_date(window)
        if date:
            start = word.start()
            end = word.end() + date.end()
            yield Finding(DATE_OF_BIRTH, text[start:end], start, end)


@cache
def _month_names():
    """Month names (and their abbreviations) in the EU/EEA languages, from
    the CLDR data that Babel ships."""
    from babel.dates import get_month_names

    names = set()
    for locale in [
        "en",
        "de",
        "fr",
        "it",
        "es",
        "nl",
        "pl",
        "pt",
        "cs",
        "sk",
        "sv",
        "da",
        "nb",
        "fi",
        "hu",
        "ro",
        "sl",
        "hr",
        "el",
        "bg",
        "et",
        "lv",
        "lt",
        "ga",
        "mt",
        "is",
    ]:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                try:
                    months = get_month_names(width, context, locale=locale)
                except Exception:  # noqa: BLE001,S112 a locale Babel lacks
                    continue
                names.update(m.lower().rstrip(".") for m in months.values())
    names = sorted((n for n in names if len(n) > 2), key=len, reverse=True)
    return re.compile(
        r"\b\d{1,2}\.?\s*(?:" + "|".join(map(re.escape, names)) + r")\.?\s*\d{4}\b",
        re.IGNORECASE,
    )


def _written_date(window):
    return _month_names().search(window)


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and not word[1:2].isupper()


def _name_part(word: str, names: frozenset, clinical: frozenset) -> bool:
    if word.isupper() and len(word) > 2:
        word = word.title()  # "MARIO ROSSI" on a scanned form
    if not _capitalised(word):
        return False
    parts = re.split(r"['’\-]", word) if "-" in word else [word]
    return all(p in names and p.lower() not in clinical for p in parts if p)


def _names(text):
    first, last = name_lists()
    eponyms, clinical = medical_words()
    # Only capitalised words can be names: the scan skips the rest at the
    # speed of the regex engine.
    words = list(CAPITALISED_WORD.finditer(text))
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        between = text[a.end() : b.start()]
        if between.strip(" \t") != "" and between.strip() != ",":
            continue
        if "\n" in between:
            continue
        one, two = a.group(), b.group()
        comma = between.strip() == ","
        forward = not comma and (
            _name_part(one, first, clinical) and _name_part(two, last, clinical)
        )
        # "ROSSI Mario", "Rossi, Mario": surname first, as on forms.
        backward = (comma or one.isupper()) and (
            _name_part(one, last, clinical) and _name_part(two, first, clinical)
        )
        if not (forward or backward):
            continue
        if one.lower() in PSEUDONYM_WORDS and two.lower() in PSEUDONYM_WORDS:
            continue
        # "Charles Bonnet syndrome", "Morbus Wilson": a disease, not a person.
        following = FOLLOWING_WORD.match(text, b.end())
        preceding = PRECEDING_WORD.search(text[max(0, a.start() - 40) : a.start()])
        if (following and following.group(1).lower() in DISEASE_NOUNS) or (
            preceding and preceding.group(1).lower() in DISEASE_NOUNS
        ):
            continue
        if text[b.end() : b.end() + 2] in ("'s", "’s") and two in eponyms:
            continue  # "Charles Wilson's disease"? an eponym's possessive
        yield Finding(NAME, text[a.start() : b.end()], a.start(), b.end())
    for match in TITLE.finditer(text):
        name = match.group("name")
        if name.lower() in clinical or not _capitalised(name):
            continue
        after = (
            WORD.match(text, match.end("name") + 1) if match.end() < len(text) else None
        )
        if name in eponyms and after and after.group().lower() in DISEASE_NOUNS:
            continue
        if match.group("academic"):
            yield Finding(
                NAME,
                match.group(),
                match.start(),
                match.end(),
                refuse=False,
                fix=COLLEAGUE_FIX,
            )
        else:
            yield Finding(NAME, match.group(), match.start(), match.end())


def _in_citation(text: str, finding: Finding) -> bool:
    line_start = text.rfind("\n", 0, finding.start) + 1
    line_end = text.find("\n", finding.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return bool(CITATION.search(line))


CHECKS = (_emails, _urls, _ibans, _numbers, _dates_of_birth, _addresses, _names)


def find_identifiers(text: str) -> list[Finding]:
    """What in ``text`` looks like a direct identifier, in reading order.

    A finding that overlaps an earlier one (an e-mail address's digits, the
    date inside "born 12.03.2015") is left out.
    """
    if not text or not text.strip():
        return []
    found: list[Finding] = []
    for check in CHECKS:
        for finding in check(text):
            if any(f.start < finding.end and finding.start < f.end for f in found):
                continue
            if finding.kind == NAME and finding.refuse and _in_citation(text, finding):
                finding = Finding(
                    NAME,
                    finding.text,
                    finding.start,
                    finding.end,
                    refuse=False,
                    fix=CITATION_FIX,
                )
            found.append(finding)
    return sorted(found, key=lambda f: f.start)


def refusals(text: str) -> list[Finding]:
    return [f for f in find_identifiers(text) if f.refuse]


def warnings(text: str) -> list[Finding]:
    return [f for f in find_identifiers(text) if not f.refuse]


def describe(finding: Finding) -> str:
    """What was found, in words: "a national identification number (Italian
    fiscal code)"."""
    from zope.i18n import translate

    what = translate(finding.what)
    return f"{what} ({finding.detail})" if finding.detail else what


def _mapping(label, finding: Finding) -> dict:
    from zope.i18n import translate

    return {
        "field": translate(label),
        "what": describe(finding),
        "found": finding.text,
        "fix": translate(finding.how_to_fix),
    }


def message(label, finding: Finding):
    """The message of a finding: the field, what was found (quoted), the fix."""
    return _(
        "identifier_found",
        default='${field}: this looks like ${what}: "${found}". ${fix}',
        mapping=_mapping(label, finding),
    )


def warning_message(label, finding: Finding):
    """The same for a finding that only warns (a name in a reference)."""
    return _(
        "identifier_warning",
        default='${field}: "${found}" may be ${what}. ${fix}',
        mapping=_mapping(label, finding),
    )


def load(event=None) -> None:
    """Read the name lists and the libraries' data now, not on the first save
    (about a second, once per process): Zope calls it when the process has
    started (``IProcessStarting``, core/configure.zcml); a script or a test
    that only imports this module pays nothing until it checks a text."""
    name_lists()
    medical_words()
    _month_names()
    _national_id_modules()


if __name__ == "__main__":  # python -m cpms.core.identifiers src/cpms/coding/data
    write_medical_words(Path(sys.argv[1]))
