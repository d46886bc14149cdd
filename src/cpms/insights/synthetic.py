"""Synthetic patients with realistic HPO profiles, for the tests and the
benchmark of similar cases and diagnosis suggestions (no real data).

A patient of a disease shows 5-10 of the disease's annotated terms, drawn by
their annotated frequency (an unknown frequency counts as 0.5); some terms
are recorded less precisely (replaced by a parent, ``imprecision``), and 1-2
unrelated terms of the phenotypic abnormality branch are added (``noise``).
"""

import numpy as np

from cpms.insights.build_data import PHENOTYPIC_ABNORMALITY
from cpms.insights.similarity import Phenotypes
from cpms.insights.similarity import Profile
from cpms.insights.similarity import data


def pick_diseases(count: int, rng, hpo: Phenotypes | None = None, min_terms=15):
    """``count`` ORPHA diseases with at least ``min_terms`` annotated terms."""
    hpo = hpo or data()
    eligible = [
        i
        for i, code in enumerate(hpo.disease_codes)
        if code.startswith("ORPHA:") and hpo.diseases.counts[i] >= min_terms
    ]
    return sorted(rng.choice(eligible, size=count, replace=False).tolist())


def patient(disease: int, rng, hpo: Phenotypes | None = None, imprecision=0.3):
    """One patient's HPO codes for the disease at position ``disease``."""
    hpo = hpo or data()
    start, end = hpo.dis_ptr[disease], hpo.dis_ptr[disease + 1]
    terms = hpo.dis_idx[start:end]
    weights = np.nan_to_num(hpo.dis_freq[start:end], nan=0.5) + 0.01
    size = min(len(terms), int(rng.integers(5, 11)))
    chosen = rng.choice(terms, size=size, replace=False, p=weights / weights.sum())
    recorded = []
    for term in chosen.tolist():
        parents = hpo.parents(term)
        if len(parents) and rng.random() < imprecision:
            term = int(rng.choice(parents))
        recorded.append(term)
    branch = hpo.descendants(int(np.searchsorted(hpo.numbers, PHENOTYPIC_ABNORMALITY)))
    for _ in range(int(rng.integers(1, 3))):
        recorded.append(int(rng.choice(branch)))
    return tuple(sorted({hpo.code(t) for t in recorded}))


def network(diseases=10, per_disease=50, seed=14, hpo: Phenotypes | None = None):
    """[(ORPHA code of the true disease, Profile)], ``diseases`` x ``per_disease``."""
    hpo = hpo or data()
    rng = np.random.default_rng(seed)
    cases = []
    for disease in pick_diseases(diseases, rng, hpo):
        for _ in range(per_disease):
            cases.append(
                (hpo.disease_codes[disease], Profile(hpo=patient(disease, rng, hpo)))
            )
    return cases
