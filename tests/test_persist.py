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
