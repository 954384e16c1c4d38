"""The model-selection options of ``build_estimators``: the numpy twin copies what it can, refuses the rest."""

from __future__ import annotations

import random

import numpy as np
import pytest

from wxscreen._features import build_estimators
from wxscreen._linear import from_estimators
from wxscreen._normalize import normalize
from wxscreen.training._train import fit_bundle

PER_LABEL = 20


@pytest.fixture(scope="module")
def small(corpus):
    rng = random.Random(3)
    by: dict[str, list] = {}
    for r in corpus["train"]:
        by.setdefault(r.label.value, []).append(r)
    recs = [r for lab in sorted(by) for r in rng.sample(by[lab], PER_LABEL)]
    return [r.text for r in recs], [r.label.value for r in recs]


@pytest.mark.parametrize(
    "params",
    [{"class_weight": "balanced"}, {"max_df": 0.5}, {"char_ngram": (1, 4)}, {"min_df": 1, "C": 1.0}],
    ids=["balanced", "max_df", "char14", "min_df1"],
)
def test_twin_is_exact_for_options_it_replicates(small, params):
    texts, labels = small
    b = fit_bundle(texts, labels, **params)
    twin = from_estimators(b.word, b.char, b.clf)
    assert twin is not None
    norm = [normalize(t).text for t in texts] + ["", "验证码"]
    X = b.transform(norm)
    X2 = twin.transform(b.tokenizer, norm)
    assert np.array_equal(X.data, X2.data) and np.array_equal(X.indices, X2.indices)
    assert np.array_equal(np.asarray(b.clf.predict_proba(X), dtype=np.float64), twin.predict_proba(X2))


@pytest.mark.parametrize(
    "params",
    [
        {"char_ngram": (2, 4)},
        {"word_ngram": (1, 2)},
        {"sublinear_tf": False},
        {"classifier": "logreg", "C": 10.0},
    ],
    ids=["char24", "word_bigrams", "raw_tf", "logreg"],
)
def test_twin_refuses_options_it_does_not_replicate(small, params):
    texts, labels = small
    b = fit_bundle(texts, labels, **params)
    assert from_estimators(b.word, b.char, b.clf) is None
    P = b.predict_proba(b.transform([normalize(t).text for t in texts]))  # scikit-learn still serves it
    assert P.shape == (len(texts), 5) and np.allclose(P.sum(axis=1), 1.0)


def test_unknown_classifier_is_rejected():
    with pytest.raises(ValueError, match="classifier"):
        build_estimators(classifier="forest")
