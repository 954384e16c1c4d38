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


def test_flagger_decision_rowwise_equals_padded(bundle):
    twin = bundle.flagger.twin
    texts = [normalize(t).text for t in _texts(40, seed=4, longest=200)]
    for t in texts:  # one message's sentences at a time: the few-rows path of single classify()
        X = twin.transform([t[a:b] for a, b in sentences(t)] or [t])
        d = np.zeros((X.shape[0], twin._coef_t.shape[1]), dtype=np.float32)
        twin._decision_rowwise(X, d)
        assert np.array_equal(d, twin._decision_padded(X))


def test_one_text_transform_equals_its_row_of_a_batch(bundle):
    lin = bundle.linear
    texts = [normalize(t).text for t in _texts(20, seed=5, longest=60)]
    hidden = [0, 3] * 10
    batch = lin.transform(bundle.tokenizer, texts, hidden=hidden)
    for i, t in enumerate(texts):
        one = lin.transform(bundle.tokenizer, [t], hidden=[hidden[i]])
        a, b = batch.indptr[i], batch.indptr[i + 1]
        assert one.shape == (1, batch.shape[1])
        assert one.indices.dtype == batch.indices.dtype and one.data.dtype == batch.data.dtype
        assert np.array_equal(one.indices, batch.indices[a:b]) and np.array_equal(one.data, batch.data[a:b])
        assert one.indptr.tolist() == [0, b - a]
