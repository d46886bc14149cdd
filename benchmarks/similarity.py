"""How fast similar cases and diagnosis suggestions answer at 10,000 cases.

In memory, over the same functions the services use (no Plone site): a
synthetic network (``cpms.insights.synthetic``: by default 100 ORPHA diseases
x 100 patients = 10,000 cases, realistic HPO profiles) is built as
``similarity.Network`` as ``network()`` builds it from the catalog; then for
``--queries`` cases of it the time of

- similar cases: ``Network.ranked`` (every case scored, those above the
  threshold sorted) plus the shared terms of the five best
  (``shared_terms``), what ``similar_cases()`` computes besides its catalog
  query;
- diagnosis suggestions: ``suggestions.rank`` over every ORPHA and OMIM
  disease plus the matching terms of the ten best (``matching_terms``).

Prints the median, 95th percentile and maximum of each, the time to load the
ontology data and to build the network. The catalog query of the visible
cases and the HTTP round trip come on top (see docs/insights.md).

    .venv/bin/python benchmarks/similarity.py [--cases 10000] [--queries 200]
"""

import argparse
import statistics
import time

import numpy as np


def percentile(values, q):
    return float(np.percentile(np.array(values), q))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--diseases", type=int, default=100)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from cpms.insights import synthetic
    from cpms.insights.similarity import Network
    from cpms.insights.similarity import data
    from cpms.insights.similarity import shared_terms
    from cpms.insights.suggestions import matching_terms
    from cpms.insights.suggestions import rank

    started = time.perf_counter()
    hpo = data()
    loaded = time.perf_counter() - started

    per_disease = max(1, args.cases // args.diseases)
    started = time.perf_counter()
    cases = synthetic.network(args.diseases, per_disease, seed=args.seed, hpo=hpo)
    generated = time.perf_counter() - started
    uids = [f"case-{i}" for i in range(len(cases))]
    started = time.perf_counter()
    net = Network(uids, [profile for _, profile in cases], hpo)
    built = time.perf_counter() - started

    rng = np.random.default_rng(args.seed)
    chosen = rng.choice(len(cases), size=min(args.queries, len(cases)), replace=False)
    similar_ms, suggest_ms, top5 = [], [], 0
    for i in chosen.tolist():
        disease, profile = cases[i]
        started = time.perf_counter()
        ranked = net.ranked(profile, exclude=uids[i])
        for uid, _score in ranked[:5]:
            shared_terms(profile.hpo, net.profiles[net.position[uid]].hpo, hpo)
        similar_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        suggested = rank(profile.hpo, 10, hpo)
        for position, _score in suggested:
            matching_terms(profile.hpo, position, hpo)
        suggest_ms.append((time.perf_counter() - started) * 1000)
        top5 += disease in [hpo.disease_codes[p] for p, _s in suggested[:5]]

    terms = np.mean([len(p.hpo) for _, p in cases])
    print(f"cases: {len(cases)} ({args.diseases} diseases), {terms:.1f} HPO terms each")
    print(f"ontology data loaded in {loaded * 1000:.0f} ms (once per process)")
    print(f"network built in {built * 1000:.0f} ms (once per catalog change)")
    print(f"(synthetic profiles generated in {generated:.1f} s)")
    for name, values in (
        ("similar cases", similar_ms),
        ("diagnosis suggestions", suggest_ms),
    ):
        print(
            f"{name}: median {statistics.median(values):.1f} ms, "
            f"p95 {percentile(values, 95):.1f} ms, max {max(values):.1f} ms "
            f"({len(values)} queries)"
        )
    print(f"true disease in the top 5 suggestions: {top5 / len(chosen):.1%}")


if __name__ == "__main__":
    main()
