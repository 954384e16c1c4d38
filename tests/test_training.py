"""Retraining from the corpus reproduces the shipped model's predictions."""

import json
from importlib import resources

import numpy as np
import pytest

from wxscreen import CorpusFormatError, Screener
from wxscreen.training import corpus_sha256, load_corpus, train


def test_retrain_gives_same_predictions(corpus, screener):
    meta = json.loads(resources.files("wxscreen").joinpath("data", "model", "metadata.json").read_text("utf-8"))
    assert corpus_sha256(corpus["fit"]) == meta["corpus_sha256"], "shipped model is stale: run `make model`"
    # the flagger settings the shipped model was trained with (a bundle from before
    # ``flag_fit`` was recorded used SentenceFlagger.fit's defaults)
    bundle = train(
        corpus["fit"], seed=meta["seed"], flag_fit=meta.get("flag_fit", {}),
        flag_thresholds=meta["flag_thresholds"], flag_gates=meta["flag_gates"],
        flag_risky_gates=meta.get("flag_risky_gates", {}),
    )
    fresh = Screener(bundle)
    texts = [r.text for r in corpus["test"]]
    a = fresh.classify_many(texts)
    b = screener.classify_many(texts)
    assert [x.label for x in a] == [x.label for x in b]
    pa = np.array([[x.scores[k] for k in sorted(x.scores)] for x in a])
    pb = np.array([[x.scores[k] for k in sorted(x.scores)] for x in b])
    assert np.allclose(pa, pb, atol=1e-6)


def test_corpus_format_error_has_line(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "a", "text": "x", "label": "other", "flags": []}\n{"id": "b", "text": "y", "label": "nope"}\n')
    with pytest.raises(CorpusFormatError) as ei:
        load_corpus(p)
    assert ei.value.line == 2 and str(p) in str(ei.value)


def test_train_rejects_single_label(corpus):
    with pytest.raises(ValueError):
        train([r for r in corpus["train"] if r.label.value == "other"][:10])


def test_train_records_the_flagger_settings(corpus):
    from wxscreen.training._train import FLAG_FIT, FLAG_GATES, FLAG_RISKY_GATES, FLAG_THRESHOLDS

    recs = corpus["train"][:400]
    meta = train(recs).metadata
    assert meta["flag_fit"] == FLAG_FIT
    assert meta["flag_thresholds"] == FLAG_THRESHOLDS
    assert meta["flag_gates"] == FLAG_GATES
    assert meta["flag_risky_gates"] == FLAG_RISKY_GATES
    custom = train(recs, flag_fit={"ngram_max": 2, "C": 1.0}, flag_risky_gates={"threat": 0.4})
    assert custom.metadata["flag_fit"] == {"ngram_max": 2, "C": 1.0}
    assert custom.flagger.vec.ngram_range == (1, 2)
    assert custom.flagger.risky_gates == {"threat": 0.4}
