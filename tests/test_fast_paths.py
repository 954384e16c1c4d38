"""The speed-ups compute exactly what the plain code computes (batch vs small paths, own cut vs jieba)."""

import random
from collections import Counter

import numpy as np
import pytest

from wxscreen import _linear
from wxscreen._flagmodel import sentences
from wxscreen._normalize import normalize

_ALPHABET = "请把验证码发给我转账到个人账户加微信逾期还款协商分期abcXYZ019 \n\t　😀\ud800，。！？-_.#"


def _texts(n, seed=0, longest=80):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, longest))) for _ in range(n)]


@pytest.fixture(scope="module")
def bundle(screener):
    return screener.bundle


def test_char_gram_index_counts_the_vectorizer_ngrams(bundle):
    lin = bundle.linear
    index = _linear.CharGramIndex(lin.char_terms, lin.char_max_n)
    texts = _texts(200) + ["", " ", "请", "请把"]
    rows, cols = index.pairs(texts)
    got = Counter(zip(rows.tolist(), cols.tolist(), strict=True))
    vocab = lin.char_vocab
    want = Counter(
        (i, vocab[g]) for i, t in enumerate(texts) for g in _linear._char_ngrams(t, lin.char_max_n) if g in vocab
    )
    assert got == want


def _same(a, b):
    for name in ("indptr", "indices", "data"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name


def test_small_and_batch_paths_give_identical_features(bundle, monkeypatch):
    texts = [normalize(t).text for t in _texts(12, seed=1, longest=40)]
    units = [t[a:b] for t in texts for a, b in sentences(t)]
    out = {}
    for limit in (-1, 10**9):  # -1: numpy batch path always; 10**9: dict path always
        monkeypatch.setattr(_linear, "_SMALL_BATCH_CHARS", limit)
        out[limit] = (
            bundle.linear.transform(bundle.tokenizer, texts, hidden=[0, 2] * 6),
            bundle.flagger.twin.transform(units),
        )
    _same(out[-1][0], out[10**9][0])
    _same(out[-1][1], out[10**9][1])


def test_flagger_decision_padded_equals_stepwise(bundle):
    twin = bundle.flagger.twin
    texts = [normalize(t).text for t in _texts(60, seed=2, longest=200)]
    X = twin.transform([t[a:b] for t in texts for a, b in sentences(t)])
    assert np.array_equal(twin._decision_padded(X), twin._decision_stepwise(X))


def test_own_cut_equals_jieba_on_random_text(bundle):
    from wxscreen._tokenize import _cut_no_hmm

    tok = bundle.tokenizer
    ref = tok._tokenizer()
    for t in _texts(300, seed=3):
        assert _cut_no_hmm(tok._prefix(), t) == ref.lcut(t, HMM=False)
