"""Similar cases on a synthetic network of 500 patients (10 ORPHA diseases x
50, realistic HPO profiles: terms drawn by annotated frequency, some recorded
less precisely, 1-2 unrelated terms; no diagnosis codes, so only the
phenotype counts), scored in memory by the functions ``@similar-cases`` uses:
a case's five most similar cases are mostly of its own disease."""

import numpy as np

from cpms.insights import synthetic
from cpms.insights.similarity import THRESHOLD
from cpms.insights.similarity import Network
from cpms.insights.similarity import data


def test_precision_at_5_for_same_disease_siblings():
    hpo = data()
    cases = synthetic.network(diseases=10, per_disease=50, seed=14)
    assert len(cases) == 500
    uids = [f"case-{i}" for i in range(len(cases))]
    net = Network(uids, [profile for _, profile in cases], hpo)
    truth = {uid: disease for uid, (disease, _) in zip(uids, cases, strict=True)}
    precisions, above, false_above = [], [], 0
    for uid, (disease, profile) in zip(uids, cases, strict=True):
        ranked = net.ranked(profile, exclude=uid, threshold=0.0)
        top = [other for other, _score in ranked[:5]]
        precisions.append(np.mean([truth[other] == disease for other in top]))
        similar = [o for o, score in ranked if score >= THRESHOLD]
        above.append(len(similar))
        false_above += sum(truth[o] != disease for o in similar)
    precision = float(np.mean(precisions))
    false_rate = false_above / max(1, sum(above))
    message = (
        f"precision at 5 = {precision:.3f}; at the threshold {THRESHOLD}: "
        f"{np.mean(above):.1f} similar cases per case, {false_rate:.1%} of "
        f"them of another disease"
    )
    print(message)
    assert precision >= 0.8, message
    # What "elsewhere" counts is mostly the same disease too.
    assert false_rate <= 0.1, message
