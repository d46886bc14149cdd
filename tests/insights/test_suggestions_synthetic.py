"""Diagnosis suggestions on the synthetic network of 500 patients (10 ORPHA
diseases x 50), ranked in memory by the function ``@diagnosis-suggestions``
uses, over every ORPHA and OMIM disease: the true disease is in the top five
for at least 80 % of the patients."""

import numpy as np

from cpms.insights import synthetic
from cpms.insights.similarity import data
from cpms.insights.suggestions import matching_terms
from cpms.insights.suggestions import rank


def test_true_disease_in_the_top_5():
    hpo = data()
    cases = synthetic.network(diseases=10, per_disease=50, seed=14)
    top1 = top5 = 0
    for disease, profile in cases:
        ranked = [hpo.disease_codes[i] for i, _score in rank(profile.hpo, 5, hpo)]
        top1 += ranked[:1] == [disease]
        top5 += disease in ranked
    message = (
        f"true disease first for {top1 / len(cases):.1%}, in the top 5 for "
        f"{top5 / len(cases):.1%} of {len(cases)} synthetic patients "
        f"({len(hpo.disease_codes)} diseases ranked)"
    )
    print(message)
    assert top5 / len(cases) >= 0.8, message


def test_matching_terms_are_the_cases_terms_the_disease_explains():
    hpo = data()
    disease, profile = synthetic.network(diseases=1, per_disease=1, seed=3)[0]
    position = hpo.disease_position[disease]
    found = matching_terms(profile.hpo, position, hpo)
    assert found and set(found) <= set(profile.hpo)
    annotated = set(hpo.diseases.terms(position).tolist())
    for code in found:
        below = set(hpo.descendants(int(hpo.index([code])[0])).tolist())
        assert below & annotated
    scores = [score for _i, score in rank(profile.hpo, 10, hpo)]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1
    assert np.isfinite(scores).all()
