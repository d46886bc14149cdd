"""hpo3 against pyhpo 4 and our own search and similarity (prints numbers).

hpo3 and pyhpo install into the same ``pyhpo`` module, so each runs in its
own throwaway venv; ``ours`` runs in the project's venv:

    python3 -m venv /tmp/hpo3venv && /tmp/hpo3venv/bin/pip install hpo3
    python3 -m venv /tmp/pyhpo4venv && /tmp/pyhpo4venv/bin/pip install pyhpo==4.0.0
    /tmp/hpo3venv/bin/python benchmarks/hpo3_vs_ours.py hpo3
    /tmp/pyhpo4venv/bin/python benchmarks/hpo3_vs_ours.py pyhpo4
    .venv/bin/python benchmarks/hpo3_vs_ours.py ours

Term search: ten queries, median of five runs. Set similarity: Resnik with
the ORPHA-based information content, best-match average, one profile
against 1,000 and 10,000 profiles of 4-8 terms drawn from the ORPHA
annotations of pyhpo's ``phenotype.hpoa`` (the project's venv has it; set
HPOA to another copy). Results and the decision: docs/coding.md.
"""

import contextlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

HPOA = Path(
    os.environ.get(
        "HPOA",
        Path(__file__).resolve().parents[1]
        / ".venv/lib/python3.11/site-packages/pyhpo/data/phenotype.hpoa",
    )
)
QUERIES = [
    "microcephaly",
    "small head",
    "seizure",
    "hydronephrosis",
    "posterior urethral valve",
    "abnormality of the kidney",
    "retroperitoneal fibrosis",
    "bladder exstrophy",
    "short stature",
    "hypospadias",
]


def disease_sets(n=10000, seed=1):
    by_disease = {}
    for line in HPOA.open(encoding="utf-8"):
        cells = line.rstrip("\n").split("\t")
        if not line.startswith("ORPHA:") or cells[2] == "NOT" or cells[10] != "P":
            continue
        by_disease.setdefault(cells[0], []).append(cells[3])
    diseases = sorted(d for d, terms in by_disease.items() if len(terms) >= 4)
    rnd = random.Random(seed)
    sets = []
    for _ in range(n):
        terms = by_disease[rnd.choice(diseases)]
        sets.append(sorted(set(rnd.sample(terms, min(len(terms), rnd.randint(4, 8))))))
    return sets


def median_ms(function, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times) * 1000


def pyhpo_like(which):
    from pyhpo import HPOSet
    from pyhpo import Ontology

    start = time.perf_counter()
    Ontology()
    print(f"[{which}] Ontology() load: {time.perf_counter() - start:.2f} s")
    for query in QUERIES:
        found, ms = median_ms(lambda q=query: list(Ontology.search(q)))
        hit = "HP:0000252" in [t.id for t in found]
        print(
            f"[{which}] search {query!r}: {ms:.2f} ms, {len(found)} hits, "
            f"HP:0000252 {hit}"
        )
    sets = []
    for codes in disease_sets():
        terms = []
        for code in codes:
            # a term of the annotations this ontology version lacks is left out
            with contextlib.suppress(KeyError, RuntimeError, ValueError):
                terms.append(Ontology.get_hpo_object(code))
        sets.append(HPOSet(terms))
    query = sets[0]
    start = time.perf_counter()
    for other in sets[1:201]:
        query.similarity(other, kind="orpha", method="resnik", combine="BMA")
    pair = (time.perf_counter() - start) / 200
    print(f"[{which}] one pair: {pair * 1000:.3f} ms ({pair * 10000:.2f} s for 10,000)")
    if hasattr(query, "similarity_scores"):
        for n in (1000, 10000):
            _, ms = median_ms(
                lambda n=n: query.similarity_scores(
                    sets[:n], kind="orpha", method="resnik", combine="BMA"
                ),
                runs=3,
            )
            print(f"[{which}] 1 vs {n}: {ms:.1f} ms")


def ours():
    from cpms.coding.index import hpo_index
    from cpms.insights import similarity

    start = time.perf_counter()
    index = hpo_index()
    print(f"[ours] compact HPO index load: {time.perf_counter() - start:.2f} s")
    for query in QUERIES:
        found, ms = median_ms(lambda q=query: index.search(q, limit=50))
        hit = "HP:0000252" in [e.code for e in found]
        print(
            f"[ours] search {query!r}: {ms:.2f} ms, {len(found)} hits, HP:0000252 {hit}"
        )
    start = time.perf_counter()
    hpo = similarity.data()
    print(f"[ours] IC data load: {time.perf_counter() - start:.2f} s")
    rows = [hpo.index(codes) for codes in disease_sets()]
    for n in (1000, 10000):
        sets = similarity.TermSets.of(rows[:n], hpo.ic)
        _, ms = median_ms(lambda s=sets: similarity.phenotype_scores(rows[0], s, hpo))
        print(f"[ours] 1 vs {n}: {ms:.1f} ms")


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "ours"
    ours() if which == "ours" else pyhpo_like(which)
