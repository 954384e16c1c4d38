"""Retraining from the corpus reproduces the shipped model's predictions."""

import json
from importlib import resources

import numpy as np
import pytest

from wxscreen import CorpusFormatError, Screener
from wxscreen.training import corpus_sha256, load_corpus, train


def test_retrain_gives_same_predictions(corpus, screener):
    meta = json.loads(resources.files("wxscreen").joinpath("data", "model", "metadata.json").read_text("utf-8"))
    assert corpus_sha256(corpus["fit"]) == meta["corpus_sha256"], (
        "shipped model is stale: run `wxscreen train corpora --out src/wxscreen/data/model`"
    )
    # the current code's settings (FLAG_*, HARD_NEGATIVE_WEIGHT): a shipped model built with others is stale too
    bundle = train(corpus["fit"], seed=meta["seed"])
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


def test_hard_negatives_weigh_more_in_the_classifier(corpus):
    from wxscreen.training._train import HARD_NEGATIVE_WEIGHT

    sample = corpus["train"][::20]  # every batch, all labels
    assert any("hard_negative" in r.tags for r in sample)
    untagged = [r.model_copy(update={"tags": [t for t in r.tags if t != "hard_negative"]}) for r in sample]
    weighted, plain = train(sample), train(untagged)
    assert HARD_NEGATIVE_WEIGHT > 1 and weighted.metadata["hard_negative_weight"] == HARD_NEGATIVE_WEIGHT
    texts = [r.text for r in sample if "hard_negative" in r.tags]
    pw = Screener(weighted).classify_many(texts)
    pp = Screener(plain).classify_many(texts)
    # the weighted fit pulls its own hard negatives further from the risky labels
    risky = lambda s: s.scores["possible_scam"] + s.scores["suspicious"]  # noqa: E731
    assert sum(map(risky, pw)) < sum(map(risky, pp))


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


def test_load_corpus_accepts_a_utf8_bom(tmp_path):
    # README: "a UTF-8 BOM is fine"; eval and train refused it ("Unexpected UTF-8 BOM")
    p = tmp_path / "bom.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + '{"id":"a","text":"请把验证码发给我","label":"possible_scam"}\n'.encode())
    [rec] = load_corpus(p)
    assert rec.id == "a" and rec.text == "请把验证码发给我"


def test_load_corpus_refuses_an_unknown_gold_flag_kind_naming_the_record(tmp_path):
    p = tmp_path / "odd.jsonl"
    p.write_text(
        '{"id":"ok","text":"好的","label":"other"}\n'
        '{"id":"a","text":"请把验证码发给我","label":"possible_scam",'
        '"flags":[{"kind":"nope","detail":"x","start":0,"end":3}]}\n',
        "utf-8",
    )
    with pytest.raises(CorpusFormatError, match=r"odd\.jsonl:2: record 'a': flags\.0\.kind: .*unknown flag kind 'nope'") as e:
        load_corpus(p)
    assert e.value.line == 2


def test_load_corpus_refuses_a_duplicate_id_naming_both_places(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text('{"id":"x","text":"好的","label":"other"}\n', "utf-8")
    b.write_text('{"id":"y","text":"嗯","label":"other"}\n\n{"id":"x","text":"hi","label":"other"}\n', "utf-8")
    with pytest.raises(CorpusFormatError, match=r"b\.jsonl:3: record 'x': duplicate id \(first at .*a\.jsonl:1\)"):
        load_corpus([a, b])
    assert [r.id for r in load_corpus(a)] == ["x"]  # one file alone is fine
