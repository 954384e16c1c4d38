import json
import os
import pickle
import shutil
from importlib import resources

import pytest

import wxscreen
from wxscreen import ModelLoadError, ModelVersionError


@pytest.fixture
def bundle_copy(tmp_path):
    with resources.as_file(resources.files("wxscreen").joinpath("data", "model")) as p:
        dst = tmp_path / "model"
        shutil.copytree(p, dst)
    return dst


class _Evil:
    def __reduce__(self):
        return (os.system, (f"touch {os.environ['WX_MARKER']}",))


def test_malicious_pickle_is_refused(bundle_copy, tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    monkeypatch.setenv("WX_MARKER", str(marker))
    (bundle_copy / "model.skops").write_bytes(pickle.dumps(_Evil()))
    with pytest.raises(ModelLoadError):
        wxscreen.load_screener(bundle_copy)
    assert not marker.exists()


def test_untrusted_type_is_refused(bundle_copy):
    import skops.io as sio
    from sklearn.ensemble import RandomForestClassifier

    sio.dump({"word": 1, "char": 2, "clf": RandomForestClassifier()}, bundle_copy / "model.skops")
    with pytest.raises(ModelLoadError, match="does not (trust|hold)"):
        wxscreen.load_screener(bundle_copy)


def test_version_mismatch_is_refused(bundle_copy):
    meta = json.loads((bundle_copy / "metadata.json").read_text("utf-8"))
    meta["versions"]["scikit-learn"] = "0.24.2"
    (bundle_copy / "metadata.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelVersionError, match="0.24.2"):
        wxscreen.load_screener(bundle_copy)


def test_missing_bundle(tmp_path):
    with pytest.raises(ModelLoadError):
        wxscreen.load_screener(tmp_path / "nothing")


def test_shipped_metadata():
    meta = json.loads(resources.files("wxscreen").joinpath("data", "model", "metadata.json").read_text("utf-8"))
    assert meta["format"] == "wxscreen-bundle/3"
    assert set(meta["versions"]) == {"wxscreen", "scikit-learn", "jieba"}
    assert sorted(meta["labels"]) == sorted(lab.value for lab in wxscreen.Label)
    assert len(meta["corpus_sha256"]) == 64
    assert meta["test_metrics"]["macro_f1"] > 0.8


def test_screener_pickles(screener):
    s2 = pickle.loads(pickle.dumps(screener))
    assert s2.classify("请把验证码发给我") == screener.classify("请把验证码发给我")


def test_metadata_that_is_not_an_object(bundle_copy):
    (bundle_copy / "metadata.json").write_text("[]", "utf-8")
    with pytest.raises(ModelLoadError, match="unknown bundle format"):
        wxscreen.load_screener(bundle_copy)


def test_vocabulary_must_match_the_model(bundle_copy):
    import json as _json

    vocab = _json.loads((bundle_copy / "vocabulary.json").read_text("utf-8"))
    vocab["char"] = vocab["char"][:-1]
    (bundle_copy / "vocabulary.json").write_text(_json.dumps(vocab), "utf-8")
    with pytest.raises(ModelLoadError, match="vocabulary"):
        wxscreen.load_screener(bundle_copy)


def test_numpy_twin_is_bit_identical_to_scikit_learn(corpus):
    import numpy as np

    from wxscreen._features import feature_matrix
    from wxscreen._linear import from_estimators
    from wxscreen._normalize import normalize
    from wxscreen._persist import _load_estimators
    from wxscreen._tokenize import JiebaTokenizer

    with resources.as_file(resources.files("wxscreen").joinpath("data", "model")) as p:
        meta = json.loads((p / "metadata.json").read_text("utf-8"))
        word, char, clf, _flagger = _load_estimators(p, meta)
    twin = from_estimators(word, char, clf)
    assert twin is not None
    tok = JiebaTokenizer()
    texts = [normalize(r.text).text for r in corpus["test"]] + ["", "  ", "a  b\n\n c", "🙂", "验证码"]
    for batch in (texts, texts[:1], texts[-5:]):
        X1 = feature_matrix(word, char, tok, batch)
        X2 = twin.transform(tok, batch)
        assert X1.dtype == X2.data.dtype == np.float32 and X1.shape == X2.shape
        assert np.array_equal(X1.indptr, X2.indptr) and np.array_equal(X1.indices, X2.indices)
        assert np.array_equal(X1.data, X2.data)
        assert np.array_equal(np.asarray(clf.predict_proba(X1), dtype=np.float64), twin.predict_proba(X2))
        assert np.array_equal(twin.predict_proba(X1), twin.predict_proba(X2))  # scipy input accepted


def test_twin_refuses_what_it_does_not_replicate():
    from wxscreen._features import build_estimators
    from wxscreen._linear import from_estimators

    est = build_estimators()
    assert from_estimators(est["word"], est["char"], est["clf"]) is None  # not fitted


@pytest.fixture
def plain_bundle(tmp_path):
    """The shipped model without its learned sentence flagger (the case the twin cache serves)."""
    from wxscreen._persist import load_bundle, save_bundle

    with resources.as_file(resources.files("wxscreen").joinpath("data", "model")) as p:
        b = load_bundle(p)
    b.flagger = None
    return save_bundle(b, tmp_path / "plain")


def test_flagger_bundle_second_load_uses_the_twin_cache(bundle_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("WXSCREEN_CACHE_DIR", str(tmp_path / "cache"))
    first = wxscreen.load_screener(bundle_copy)
    assert first.bundle.clf is not None and first.bundle.flagger.vec is not None
    assert first.bundle.flagger.twin is not None
    second = wxscreen.load_screener(bundle_copy)
    fl = second.bundle.flagger
    assert second.bundle.clf is None and fl.vec is None and fl.twin is not None  # scikit-learn not loaded
    assert fl.thresholds == first.bundle.flagger.thresholds and fl.gates == first.bundle.flagger.gates
    texts = ["请把身份证正反面拍照发我核实", "加我微信私下结清，转到我个人卡上", "您好，您的账单已逾期3天，请尽快还款。", ""]
    assert first.classify_many(texts) == second.classify_many(texts)
    second.bundle.estimators()  # loads the flagger's scikit-learn objects too
    assert fl.vec is not None and set(fl.kind_clf) == set(first.bundle.flagger.kind_clf)
    saved = save_bundle_copy = tmp_path / "resaved"
    from wxscreen._persist import save_bundle

    save_bundle(second.bundle, save_bundle_copy)
    third = wxscreen.load_screener(saved)
    assert third.bundle.flagger is not None and third.classify_many(texts) == first.classify_many(texts)


def test_cached_flagger_bundle_loads_without_scikit_learn(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, wxscreen; s = wxscreen.load_screener(); "
        "assert s.bundle.flagger is not None and s.bundle.flagger.twin is not None; "
        "r = s.classify('请把验证码和身份证照片发给我，我帮你处理。'); "
        "bad = [m for m in ('sklearn', 'skops', 'scipy') if m in sys.modules]; "
        "print(','.join(bad)); print(r.model_dump_json())"
    )
    env = {**os.environ, "WXSCREEN_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
            for _ in range(2)]
    assert runs[0].stdout.splitlines()[0] != ""  # first run: skops and scikit-learn, then the cache
    assert runs[1].stdout.splitlines()[0] == ""  # second run: numpy only
    assert runs[0].stdout.splitlines()[1] == runs[1].stdout.splitlines()[1]


def test_flag_twin_equals_scikit_learn(corpus):
    import numpy as np

    from wxscreen._flagmodel import sentences
    from wxscreen._linear import flag_from_estimators
    from wxscreen._normalize import normalize
    from wxscreen._persist import _load_estimators

    with resources.as_file(resources.files("wxscreen").joinpath("data", "model")) as p:
        meta = json.loads((p / "metadata.json").read_text("utf-8"))
        _word, _char, _clf, fl = _load_estimators(p, meta)
    twin = flag_from_estimators(fl.vec, fl.kind_clf, fl.detail_clf)
    assert twin is not None and twin.kinds == list(fl.kind_clf)
    units = []
    for r in corpus["test"]:
        t = normalize(r.text).text
        units += [t[s:e] for s, e in sentences(t)]
    units += ["a  b", "🙂", "x", "验证码"]
    for batch in (units, units[:1], units[-4:]):
        X = fl.vec.transform(batch)
        Xt = twin.transform(batch)
        assert np.array_equal(X.indptr, Xt.indptr) and np.array_equal(X.indices, Xt.indices)
        assert np.array_equal(X.data, Xt.data)
        P, D = twin.predict(batch)
        for j, kind in enumerate(twin.kinds):
            ref = fl.kind_clf[kind].predict_proba(X)[:, 1]
            assert np.max(np.abs(P[:, j].astype(np.float64) - ref), initial=0.0) <= 1e-12
            assert np.array_equal(P[:, j], ref)  # in fact bit-identical
            det = fl.detail_clf[kind]
            expected = [det] * len(batch) if isinstance(det, str) else [str(d) for d in det.predict(X)]
            assert twin.details(kind, D) == expected
    assert len({d for k in twin.kinds for d in twin.details(k, D)}) > 1


def test_flagger_with_and_without_twin_predict_the_same(screener):
    import dataclasses

    fl = screener.bundle.flagger
    assert fl.twin is not None
    if fl.vec is None:
        screener.bundle.estimators()
    plain = dataclasses.replace(fl, twin=None)
    texts = ["请把身份证正反面拍照发我核实。不还就去你单位！", "", "您好", "加微信聊，转到我个人卡上"]
    a, b = fl.predict(texts), plain.predict(texts)
    assert [(p.sentences, p.hits) for p in a] == [(p.sentences, p.hits) for p in b]
    assert any(p.hits for p in a)


def test_expit32_equals_scipy():
    import numpy as np
    from scipy.special import expit

    from wxscreen._linear import expit32

    rng = np.random.default_rng(0)
    x = (rng.standard_normal(200_000) * 8).astype(np.float32)
    x = np.concatenate([x, np.array([0.0, -0.0, 1e-30, 88.7, -88.7, 103.9, -104.0, 500.0, -500.0], np.float32)])
    assert np.array_equal(expit32(x), expit(x))
    block = x[: 7 * 3000].reshape(-1, 10, 7)[:, 2:9, :].reshape(-1, 49)[:, ::2]  # 2-D, not contiguous
    assert np.array_equal(expit32(block), expit(block))


def test_second_load_uses_the_twin_cache(plain_bundle, tmp_path, monkeypatch):
    bundle_copy = plain_bundle
    import numpy as np

    monkeypatch.setenv("WXSCREEN_CACHE_DIR", str(tmp_path / "cache"))
    first = wxscreen.load_screener(bundle_copy)
    assert first.bundle.clf is not None and first.bundle.linear is not None
    assert list((tmp_path / "cache").glob("model-*.npz"))
    second = wxscreen.load_screener(bundle_copy)
    assert second.bundle.clf is None and second.bundle.linear is not None  # scikit-learn not loaded
    texts = ["加我微信私下结清，转到我个人卡上", "您好，您的账单已逾期3天，请尽快还款。", ""]
    assert first.classify_many(texts) == second.classify_many(texts)
    word, char, clf = second.bundle.estimators()  # loaded on demand
    assert clf is not None and second.bundle.clf is clf
    X = second.bundle.transform(["请尽快还款"])
    assert np.array_equal(clf.predict_proba(X.tocsr()), second.bundle.predict_proba(X))


def test_untrusted_twin_cache_is_ignored(plain_bundle, tmp_path, monkeypatch):
    bundle_copy = plain_bundle
    monkeypatch.setenv("WXSCREEN_CACHE_DIR", str(tmp_path / "cache"))
    wxscreen.load_screener(bundle_copy)
    (npz,) = (tmp_path / "cache").glob("model-*.npz")
    npz.chmod(0o666)
    assert wxscreen.load_screener(bundle_copy).bundle.clf is not None  # loaded with skops again
    npz.chmod(0o600)
    npz.write_bytes(b"not a zip")
    s = wxscreen.load_screener(bundle_copy)
    assert s.bundle.clf is not None and s.classify("请尽快还款").label.value == "collection_notice"


def test_edited_bundle_misses_the_cache(plain_bundle, tmp_path, monkeypatch):
    bundle_copy = plain_bundle
    monkeypatch.setenv("WXSCREEN_CACHE_DIR", str(tmp_path / "cache"))
    wxscreen.load_screener(bundle_copy)
    meta = json.loads((bundle_copy / "metadata.json").read_text("utf-8"))
    meta["model_id"] = "edited"
    (bundle_copy / "metadata.json").write_text(json.dumps(meta), "utf-8")
    s = wxscreen.load_screener(bundle_copy)
    assert s.bundle.clf is not None and s.model_info.model_id == "edited"
    assert len(list((tmp_path / "cache").glob("model-*.npz"))) == 2


def test_flag_twin_equals_scikit_learn_for_the_fit_options(corpus):
    """4-grams, another C and balanced class weights still get an exact numpy twin."""
    import numpy as np

    from wxscreen._flagmodel import SentenceFlagger, sentences
    from wxscreen._linear import flag_from_estimators
    from wxscreen._normalize import normalize
    from wxscreen.training._train import _norm_spans

    recs = [r for r in corpus["train"] if r.flags][:300] + [r for r in corpus["train"] if not r.flags][:100]
    norms = [normalize(r.text) for r in recs]
    fl = SentenceFlagger.fit(
        [n.text for n in norms], [_norm_spans(r, n) for r, n in zip(recs, norms, strict=True)],
        ngram_max=4, C=3.0, class_weight="balanced",
    )
    assert fl.vec.ngram_range == (1, 4) and max(map(len, fl.vec.vocabulary_)) == 4
    twin = flag_from_estimators(fl.vec, fl.kind_clf, fl.detail_clf)
    assert twin is not None and twin.max_n == 4
    units = []
    for r in corpus["dev"][:200]:
        t = normalize(r.text).text
        units += [t[s:e] for s, e in sentences(t)]
    X = fl.vec.transform(units)
    P, D = twin.predict(units)
    for j, kind in enumerate(twin.kinds):
        assert fl.kind_clf[kind].class_weight == "balanced"
        assert np.array_equal(P[:, j], fl.kind_clf[kind].predict_proba(X)[:, 1])
        det = fl.detail_clf[kind]
        expected = [det] * len(units) if isinstance(det, str) else [str(d) for d in det.predict(X)]
        assert twin.details(kind, D) == expected


def test_flagger_without_details_fits_kind_models_only(corpus):
    from wxscreen._flagmodel import SentenceFlagger
    from wxscreen._linear import flag_from_estimators
    from wxscreen._normalize import normalize
    from wxscreen.training._train import _norm_spans

    recs = [r for r in corpus["train"] if r.flags][:150]
    norms = [normalize(r.text) for r in recs]
    fl = SentenceFlagger.fit(
        [n.text for n in norms], [_norm_spans(r, n) for r, n in zip(recs, norms, strict=True)], details=False
    )
    assert fl.kind_clf and fl.detail_clf == {}
    assert flag_from_estimators(fl.vec, fl.kind_clf, fl.detail_clf) is None
