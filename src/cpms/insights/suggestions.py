"""Diagnosis suggestions: which ORPHA (and OMIM) diseases best explain a case's
HPO terms. A decision aid for the panel, never a diagnosis.

The method (``docs/insights.md``): Phenomizer's query-to-disease semantic
similarity (Köhler et al. 2009): each of the case's terms takes its best
Resnik match among the disease's annotated terms (``similarity.py``), the
average over the case's terms, divided by the case's self-similarity (the
mean IC of its terms) so that 1 means every term is annotated to the disease
itself. Only this direction counts: a disease has many more annotated terms
than any one patient shows, and the ones a patient does not show say little.
On the synthetic network it put the true disease in the top five more often
than the symmetric average (figures in ``docs/insights.md``).
"""

import numpy as np
from zope.globalrequest import getRequest
from zope.i18n import translate

from cpms import _
from cpms.coding.index import hpo_index
from cpms.insights.similarity import Phenotypes
from cpms.insights.similarity import Profile
from cpms.insights.similarity import best_match_averages
from cpms.insights.similarity import data

MAX_LIMIT = 50
# Diseases scoring below this are not suggested at all.
MIN_SCORE = 0.2

METHOD = _(
    "HPO semantic similarity of the case's terms to each disease's annotated "
    "terms (Resnik information content, best match per term, averaged; "
    "Köhler et al. 2009, Phenomizer), ORPHA and OMIM annotations of the HPO."
)
NOTICE = _(
    "A decision aid, not a diagnosis: diseases whose known signs resemble "
    "the case's phenotype. The panel decides."
)


def disease_scores(query: np.ndarray, hpo: Phenotypes) -> np.ndarray:
    """Every disease's score for the query's term positions, 0..1."""
    if not len(query):
        return np.zeros(len(hpo.diseases), dtype=np.float32)
    rows = hpo.similarity_rows(query)
    forward, _none = best_match_averages(rows, hpo.diseases, backward_too=False)
    norm = hpo.self_similarity(query)
    if norm <= 0:
        return np.zeros(len(hpo.diseases), dtype=np.float32)
    return np.clip(forward / norm, 0.0, 1.0)


def rank(hpo_codes, limit: int = 10, hpo: Phenotypes | None = None):
    """[(disease position, score)] best first, at most ``limit``."""
    hpo = hpo or data()
    scores = disease_scores(hpo.index(hpo_codes), hpo)
    if limit >= len(scores):
        top = np.arange(len(scores))
    else:
        top = np.argpartition(-scores, limit)[:limit]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), round(float(scores[i]), 3)) for i in top if scores[i] >= MIN_SCORE]


def matching_terms(hpo_codes, disease: int, hpo: Phenotypes) -> list[str]:
    """The case's terms the disease explains: annotated to it, or a more
    specific term of them is."""
    annotated = set(hpo.diseases.terms(disease).tolist())
    found = []
    for position in hpo.index(hpo_codes).tolist():
        if annotated & set(hpo.descendants(position).tolist()):
            found.append(hpo.code(position))
    return found


def diagnosis_suggestions(case, limit: int = 10, request=None) -> dict:
    """The diseases that best explain ``case``'s HPO terms, best first."""
    hpo = data()
    codes = Profile.of_case(case).hpo
    names = hpo_index()
    items = []
    for disease, score in rank(codes, limit, hpo):
        matching = []
        for code in matching_terms(codes, disease, hpo):
            entry = names.get(code)
            matching.append({"code": code, "title": entry.name if entry else code})
        items.append(
            {
                "code": hpo.disease_codes[disease],
                "title": hpo.disease_names[disease],
                "score": score,
                "matching": matching,
            }
        )
    context = request or getRequest()
    return {
        "items": items,
        "method": translate(METHOD, context=context),
        "notice": translate(NOTICE, context=context),
    }
