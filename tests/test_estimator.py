"""WxScreenClassifier: the scikit-learn estimator contract, written out (check_estimator skips text input)."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags

from wxscreen import InvalidInputError, Label, Screener
from wxscreen.training import WxScreenClassifier, train

PER_LABEL = 24  # small on purpose: every fit here takes well under a second


@pytest.fixture(scope="module")
def sample(corpus):
    rng = random.Random(7)
    by: dict[str, list] = {}
    for r in corpus["train"]:
        by.setdefault(r.label.value, []).append(r)
    recs = [r for lab in sorted(by) for r in rng.sample(by[lab], PER_LABEL)]
    rng.shuffle(recs)
    return recs


@pytest.fixture(scope="module")
def data(sample):
    return [r.text for r in sample], [r.label.value for r in sample]


@pytest.fixture(scope="module")
def fitted(data):
    return WxScreenClassifier().fit(*data)


def _strip_spaces(texts):
    return [t.replace(" ", "") for t in texts]


def test_params_roundtrip_and_clone():
    est = WxScreenClassifier(C=2.0, rules=False)
    params = est.get_params()
    assert params == {
        "C": 2.0, "calibration": "temperature", "calibration_cv": 5, "char_max_features": 60000,
        "min_df": 2, "random_state": 0, "rules": False,
    }
    assert est.set_params(C=0.25, min_df=1) is est and est.C == 0.25 and est.min_df == 1
    with pytest.raises(ValueError):
        est.set_params(no_such_param=1)
    c = clone(est)
    assert c is not est and c.get_params() == est.get_params()
    assert is_classifier(est)
    tags = get_tags(est)
    assert tags.input_tags.string and not tags.input_tags.two_d_array


def test_not_fitted_raises(data):
    est = WxScreenClassifier()
    for method in (est.predict, est.predict_proba):
        with pytest.raises(NotFittedError):
            method(data[0][:2])
    assert issubclass(NotFittedError, ValueError)


def test_fit_predict_proba_contract(fitted, data):
    texts, labels = data
    assert list(fitted.classes_) == sorted(set(labels))
    P = fitted.predict_proba(texts[:30])
    assert P.shape == (30, len(fitted.classes_))
    assert np.allclose(P.sum(axis=1), 1.0) and (P >= 0).all()
    pred = fitted.predict(texts[:30])
    assert pred.shape == (30,) and set(pred) <= {lab.value for lab in Label}
    assert fitted.predict_proba([]).shape == (0, len(fitted.classes_))
    assert 0.0 <= fitted.score(texts, labels) <= 1.0


def test_rules_false_is_argmax_and_rules_true_is_the_screener(data):
    texts, labels = data
    est = WxScreenClassifier(rules=False).fit(texts, labels)
    P = est.predict_proba(texts)
    assert list(est.predict(texts)) == list(est.classes_[P.argmax(axis=1)])
    with_rules = clone(est).set_params(rules=True).fit(texts, labels)
    screened = Screener(with_rules.bundle_).classify_many(texts)
    assert list(with_rules.predict(texts)) == [s.label.value for s in screened]


def test_same_model_as_train(sample):
    from wxscreen.training._train import HARD_NEGATIVE_WEIGHT

    bundle = train(sample, seed=0)
    texts = [r.text for r in sample]
    weights = [HARD_NEGATIVE_WEIGHT if "hard_negative" in r.tags else 1.0 for r in sample]
    assert 1.0 < max(weights)  # the sample holds hard negatives, so the weights matter
    est = WxScreenClassifier().fit(texts, [r.label.value for r in sample], sample_weight=weights)
    # the screener's scores with the bundle train() makes: same model, same features (hidden included), R0
    scores = Screener(bundle).classify_many(texts)
    expected = np.asarray([[s.scores[str(c)] for c in est.classes_] for s in scores])
    assert np.allclose(est.predict_proba(texts), expected, atol=1e-12)
    with pytest.raises(ValueError, match="sample_weight"):
        WxScreenClassifier().fit(texts, [r.label.value for r in sample], sample_weight=weights[:-1])


def test_fit_is_deterministic_and_refit_replaces(data, fitted):
    texts, labels = data
    again = WxScreenClassifier().fit(texts, labels)
    assert np.array_equal(again.predict_proba(texts), fitted.predict_proba(texts))
    other = WxScreenClassifier().fit(texts[:60], labels[:60]).fit(texts, labels)
    assert np.array_equal(other.predict_proba(texts), fitted.predict_proba(texts))


def test_pickle_roundtrip_and_clone_of_fitted(fitted, data):
    texts = data[0][:20]
    back = pickle.loads(pickle.dumps(fitted))
    assert np.array_equal(back.predict_proba(texts), fitted.predict_proba(texts))
    assert list(back.predict(texts)) == list(fitted.predict(texts))
    fresh = clone(fitted)
    assert not hasattr(fresh, "bundle_") and not hasattr(fresh, "classes_")
    with pytest.raises(NotFittedError):
        fresh.predict(texts)


def test_input_validation(data, fitted):
    texts, labels = data
    with pytest.raises(InvalidInputError):
        fitted.predict("请把验证码发给我")
    with pytest.raises(TypeError):
        fitted.predict(["好的", 3])
    with pytest.raises(ValueError):
        fitted.predict_proba(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="unknown labels"):
        WxScreenClassifier().fit(texts, ["spam"] * len(texts))
    with pytest.raises(ValueError, match="samples but y has"):
        WxScreenClassifier().fit(texts, labels[:-1])
    with pytest.raises(ValueError, match="C must be"):
        WxScreenClassifier(C=-1).fit(texts, labels)
    with pytest.raises(ValueError, match="calibration must be"):
        WxScreenClassifier(calibration="magic").fit(texts, labels)
    with pytest.raises(ValueError, match="at least two classes"):
        WxScreenClassifier().fit(texts[:10], ["other"] * 10)
    # Label enums and numpy arrays are accepted
    est = WxScreenClassifier(rules=False).fit(np.asarray(texts, dtype=object), [Label(x) for x in labels])
    assert list(est.classes_) == sorted(set(labels))


def test_cross_val_score(data):
    texts, labels = data
    scores = cross_val_score(WxScreenClassifier(), texts, labels, cv=3)
    assert scores.shape == (3,)
    assert scores.mean() > 0.4  # chance is 0.2 with five balanced labels


def test_two_label_problem_scores(data):
    texts, labels = data
    keep = [i for i, lab in enumerate(labels) if lab in ("possible_scam", "other")]
    t, y = [texts[i] for i in keep], [labels[i] for i in keep]
    scores = cross_val_score(WxScreenClassifier(), t, y, cv=3, error_score="raise")
    assert scores.mean() > 0.6


def test_grid_search_and_pipeline(data):
    texts, labels = data
    gs = GridSearchCV(WxScreenClassifier(rules=False), {"C": [0.1, 1.0]}, cv=2).fit(texts, labels)
    assert gs.best_params_["C"] in (0.1, 1.0)
    assert gs.best_estimator_.predict(texts[:3]).shape == (3,)
    pipe = Pipeline([("strip", FunctionTransformer(_strip_spaces)), ("clf", WxScreenClassifier())]).fit(texts, labels)
    assert pipe.predict(["请 把 验 证 码 发 给 我"]).shape == (1,)
    assert pipe.predict_proba(texts[:4]).shape == (4, 5)
    assert list(pipe.classes_) == sorted(set(labels))


_SAME_AS_SCREENER = [
    "5000",  # R0: digits only
    "[图片]",  # R0: a placeholder only
    "",
    "Q",
    "请把验\u200b证\u200b码发给我，帮你办\u200b理减\u200b免",  # the invisible-characters feature
    "您好\u200b，\u200b已\u200b逾\u200b期\u200b请\u200b还\u200b款",
    "您好，您的借款已逾期15天，请尽快登录APP还款。",
    "好的，谢谢",
    "\ud800请转账到个人账户",  # a lone surrogate reads as U+FFFD
]


def test_predict_proba_gives_the_screeners_scores(screener):
    # predict_proba once skipped R0 (5000 -> possible_scam 0.97, Screener: other 1.0) and the
    # invisible-characters feature (1.000 vs 0.999): now both use the Screener's feature path
    est = WxScreenClassifier(rules=False)
    est.bundle_ = screener.bundle
    est.classes_ = np.asarray(screener.bundle.classes, dtype=object)
    P = est.predict_proba(_SAME_AS_SCREENER)
    for row, s in zip(P, screener.classify_many(_SAME_AS_SCREENER), strict=True):
        assert {str(c): float(p) for c, p in zip(est.classes_, row, strict=True)} == pytest.approx(s.scores, abs=1e-12)
    assert list(est.predict(["5000", "[图片]"])) == ["other", "other"]
