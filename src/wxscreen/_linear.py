r"""Inference without importing scikit-learn: a numerical twin of the fitted model.

Importing scikit-learn and skops takes about two seconds, longer than
loading jieba's dictionary; prediction itself needs only a few arrays.
:class:`LinearTextModel` holds those arrays (vocabularies, IDF weights, SVM
coefficients and the calibration temperature) and repeats, operation for
operation and in the same floating-point types, what the fitted
``TfidfVectorizer``\ s, ``LinearSVC`` and ``CalibratedClassifierCV(method=
"temperature")`` compute, so probabilities are bit-identical (checked by
``tests/test_persist.py`` against the scikit-learn objects).

:func:`from_estimators` refuses (returns None) any configuration it does not
replicate exactly; the bundle then keeps using scikit-learn. The arrays are
cached per user by ``_persist`` so later processes skip scikit-learn and skops.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

import numpy as np

__all__ = ["LinearFlagModel", "LinearTextModel", "SparseRows", "expit32", "flag_from_estimators", "from_estimators"]

_WHITE_SPACES = re.compile(r"\s\s+")  # sklearn.feature_extraction.text._VectorizerMixin._white_spaces


def _char_ngrams(text: str, max_n: int) -> list[str]:
    """``TfidfVectorizer(analyzer="char", ngram_range=(1, max_n))``'s n-grams of ``text``."""
    text = _WHITE_SPACES.sub(" ", text)
    n_text = len(text)
    grams = list(text)
    for n in range(2, min(max_n + 1, n_text + 1)):
        for i in range(n_text - n + 1):
            grams.append(text[i : i + n])
    return grams


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as int64 (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)


class CharGramIndex:
    """A character n-gram vocabulary looked up with integer codes, a whole batch at once.

    ``TfidfVectorizer(analyzer="char")`` builds a Python string for every
    n-gram of every text and looks each up in a dict. Here the texts of a
    batch are read as one array of code points, each character becomes the
    index of its code point among the vocabulary's characters (0: a
    character no term holds), an n-gram becomes the number
    ``offset(n) + c1·K^(n-1) + … + cn`` (``K`` = characters + 1), and the
    vocabulary is a sorted array of those numbers searched with
    :func:`numpy.searchsorted`. The n-grams counted are exactly
    :func:`_char_ngrams`'s (whitespace runs collapsed first).

    Parameters
    ----------
    terms : sequence of str
        The vocabulary in column order (n-grams of 1 to ``max_n`` characters).
    max_n : int
        Longest n-gram.
    """

    def __init__(self, terms: Sequence[str], max_n: int) -> None:
        self.max_n = int(max_n)
        self.n_terms = len(terms)
        all_cps = _code_points("".join(terms))
        top = int(all_cps.max()) if all_cps.size else 0
        # code point -> 1 + rank among the vocabulary's characters (0: no term holds it)
        table = np.zeros(top + 1, dtype=np.int32)
        table[all_cps] = 1
        present = np.flatnonzero(table)
        table[present] = np.arange(1, present.size + 1)
        self._table = table
        k = present.size + 1
        self._k = k
        self._offsets = [0]
        for n in range(1, self.max_n + 1):
            self._offsets.append(self._offsets[-1] + k**n)
        if self._offsets[-1] >= 2**62:
            raise ValueError("character vocabulary too large for integer n-gram codes")
        lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        if lengths.size and (lengths.min() < 1 or lengths.max() > self.max_n):
            raise ValueError(f"vocabulary term outside 1..{self.max_n} characters")
        ids = table[all_cps].astype(np.int64)
        starts = np.cumsum(lengths) - lengths
        codes = np.zeros(len(terms), dtype=np.int64)
        for j in range(self.max_n):  # add character j of every term that long
            has = lengths > j
            codes[has] = codes[has] * k + ids[starts[has] + j]
        codes += np.asarray(self._offsets, dtype=np.int64)[lengths - 1] if lengths.size else 0
        order = np.argsort(codes)  # codes are distinct: any sort gives the same order
        self._codes = codes[order]
        self._cols = order.astype(np.int32)

    def pairs(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return (document index, column) of every in-vocabulary n-gram occurrence of ``texts``."""
        texts = [_WHITE_SPACES.sub(" ", t) for t in texts]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        total = int(lengths.sum())
        if total == 0 or not self.n_terms:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        cp = _code_points("".join(texts))
        table = self._table
        inside = cp < table.size
        ids = np.where(inside, table[np.where(inside, cp, 0)], 0).astype(np.int64)
        doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        k = self._k
        docs: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        code = ids.copy()
        known = ids > 0
        for n in range(1, self.max_n + 1):
            m = total - n + 1
            if m <= 0:
                break
            if n > 1:
                code = code[:m] * k + ids[n - 1 :]
                known = known[:m] & (ids[n - 1 :] > 0)
                ok = known & (doc[:m] == doc[n - 1 :])
            else:
                ok = known
            c = code[ok] + self._offsets[n - 1]
            at = np.searchsorted(self._codes, c)
            at[at >= len(self._codes)] = 0
            hit = self._codes[at] == c
            docs.append(doc[:m][ok][hit])
            cols.append(self._cols[at[hit]])
        return np.concatenate(docs), np.concatenate(cols)


def _tfidf_pairs(
    docs: np.ndarray, cols: np.ndarray, n_docs: int, n_terms: int, idf: np.ndarray
) -> tuple[np.ndarray, ...]:
    """TF-IDF CSR arrays from (document, column) occurrences: count them, then :func:`_tfidf_csr`."""
    width = max(n_terms, 1)
    keys, counts = np.unique(docs * width + cols, return_counts=True)  # sorted: by row, then column
    rows = keys // width
    ptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_docs), out=ptr[1:])
    return _tfidf_csr(ptr, (keys % width).astype(np.int32), counts, idf)


class SparseRows:
    """A CSR matrix as three arrays, without importing scipy.

    Attributes
    ----------
    indptr : ndarray of int64, shape (n_rows + 1,)
    indices : ndarray of int32
        Column indices, sorted within each row.
    data : ndarray of float32
    shape : tuple of int
    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, shape: tuple[int, int]) -> None:
        self.indptr = indptr
        self.indices = indices
        self.data = data
        self.shape = shape

    @property
    def nnz(self) -> int:
        """Number of stored values."""
        return int(self.indptr[-1])

    @classmethod
    def from_csr(cls, X: Any) -> SparseRows:
        """Wrap a scipy CSR matrix (indices sorted first)."""
        X = X.tocsr()
        X.sort_indices()
        return cls(np.asarray(X.indptr, dtype=np.int64), X.indices, X.data, X.shape)

    def tocsr(self) -> Any:
        """Return a ``scipy.sparse.csr_matrix`` with the same values."""
        from scipy.sparse import csr_matrix

        return csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


#: Above this many sentences the flagger's decision sums step by step, else padded.
_DECISION_STEPWISE = 48
#: Up to this many sentences the flagger's decision sums row by row (no padding).
_DECISION_ROWWISE = 8
#: Largest padded block (elements) the flagger's decision sums at once.
_DECISION_BLOCK = 1 << 22
#: Rows up to this many stored values are L2-normalised together in one padded array.
_PAD_ROWS = 512


def _tfidf_csr(ptr: np.ndarray, cols: np.ndarray, counts: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, ...]:
    """TF-IDF CSR arrays from term counts in CSR order (columns sorted within each row).

    As ``TfidfTransformer.transform(sublinear_tf=True, norm="l2")`` on
    ``CountVectorizer`` counts: ``(1 + log tf) * idf`` in float32, then each
    row divided by its L2 norm, the float32 squares being added in double
    precision one by one in column order (scikit-learn's
    ``inplace_csr_row_normalize_l2``; ``numpy.cumsum`` adds sequentially,
    unlike ``sum``, which adds pairwise).
    """
    data = np.asarray(counts, dtype=np.intc).astype(np.float32)
    if not data.size:
        return ptr, cols, data
    n_rows = len(ptr) - 1
    lengths = np.diff(ptr)
    np.log(data, data)
    data += 1.0
    data *= idf[cols]
    sq = (data * data).astype(np.float64)
    if n_rows <= 8:  # a few rows: one cumsum each beats padding
        for r in range(n_rows):
            a, b = int(ptr[r]), int(ptr[r + 1])
            if a == b:
                continue
            total = np.cumsum(sq[a:b])[-1]
            if total != 0.0:
                data[a:b] = (data[a:b].astype(np.float64) / np.sqrt(total)).astype(np.float32)
        return ptr, cols, data
    totals = np.zeros(n_rows)
    short = np.flatnonzero((lengths > 0) & (lengths <= _PAD_ROWS))
    if short.size:
        ls = lengths[short]
        width = int(ls.max())
        pad = np.zeros((short.size, width))
        within = np.arange(int(ls.sum())) - np.repeat(np.cumsum(ls) - ls, ls)
        pad[np.repeat(np.arange(short.size), ls), within] = sq[np.repeat(ptr[short], ls) + within]
        totals[short] = np.cumsum(pad, axis=1)[:, -1]
    for r in np.flatnonzero(lengths > _PAD_ROWS).tolist():
        totals[r] = np.cumsum(sq[ptr[r] : ptr[r + 1]])[-1]
    per = np.repeat(np.sqrt(totals), lengths)
    ok = per != 0.0
    data[ok] = (data[ok].astype(np.float64) / per[ok]).astype(np.float32)
    return ptr, cols, data


def _word_pairs(docs: Iterable[list[str]], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray, int]:
    """(document, column) of every in-vocabulary token, and the number of documents."""
    get = vocab.get
    flat: list[int] = []
    lengths: list[int] = []
    for doc in docs:
        flat.extend(map(get, doc, repeat(-1, len(doc))))
        lengths.append(len(doc))
    cols = np.asarray(flat, dtype=np.int64)
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    keep = cols >= 0
    return rows[keep], cols[keep], len(lengths)


#: Batches with at most this many characters in all are counted with dicts: numpy's
#: per-call overhead would dominate (a single short ``classify``).
_SMALL_BATCH_CHARS = 600


def _small_csr(col_lists: Iterable[list[int | None]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR ``(indptr, columns, counts)`` from each document's column occurrences (None: not in the vocabulary)."""
    ptr = [0]
    cols: list[int] = []
    counts: list[int] = []
    for occ in col_lists:
        c: dict[int, int] = {}
        for j in occ:
            if j is not None:
                c[j] = c.get(j, 0) + 1
        for j in sorted(c):
            cols.append(j)
            counts.append(c[j])
        ptr.append(len(cols))
    return np.asarray(ptr, dtype=np.int64), np.asarray(cols, dtype=np.int32), np.asarray(counts, dtype=np.int64)


class LinearTextModel:
    """Word + character TF-IDF, linear SVM and temperature scaling, in numpy.

    Parameters
    ----------
    word_terms, char_terms : sequence of str
        Vocabularies in column order.
    word_idf, char_idf : ndarray of float32
        IDF weights, same order.
    token_pattern : str
        The word vectorizer's token regex (applied to space-joined jieba words).
    char_max_n : int
        Longest character n-gram (shortest is 1).
    coef : ndarray of float64, shape (n_classes, n_features)
    intercept : ndarray of float64, shape (n_classes,)
    beta : float
        The inverse temperature of the calibration.
    classes : sequence of str
        Label values in column order.
    """

    def __init__(
        self,
        word_terms: Sequence[str],
        word_idf: np.ndarray,
        char_terms: Sequence[str],
        char_idf: np.ndarray,
        token_pattern: str,
        char_max_n: int,
        coef: np.ndarray,
        intercept: np.ndarray,
        beta: np.ndarray,
        classes: Sequence[str],
    ) -> None:
        n_word, n_char = len(word_terms), len(char_terms)
        if word_idf.shape != (n_word,) or char_idf.shape != (n_char,):
            raise ValueError("IDF weights do not match the vocabularies")
        if coef.shape != (len(classes), n_word + n_char) or intercept.shape != (len(classes),):
            raise ValueError("coefficients do not match the vocabularies and classes")
        if len(classes) < 3:
            raise ValueError("the twin replicates multi-class models only")
        self.word_terms = list(word_terms)
        self.char_terms = list(char_terms)
        self.word_vocab = {t: i for i, t in enumerate(self.word_terms)}
        self.word_idf = np.asarray(word_idf, dtype=np.float32)
        self.char_idf = np.asarray(char_idf, dtype=np.float32)
        self.token_pattern = token_pattern
        self._tokens = re.compile(token_pattern).findall
        self.char_max_n = int(char_max_n)
        self.coef = np.asarray(coef, dtype=np.float64)
        self._coef_t = np.ascontiguousarray(self.coef.T)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.beta = np.asarray(beta, dtype=np.float64)
        self.classes = [str(c) for c in classes]
        self._index: CharGramIndex | None = None
        self._char_vocab: dict[str, int] | None = None

    # -- features ----------------------------------------------------------
    @property
    def char_vocab(self) -> dict[str, int]:
        """Character n-gram → column (built on first request: small batches count with it)."""
        v = self._char_vocab
        if v is None:
            v = self._char_vocab = {t: i for i, t in enumerate(self.char_terms)}
        return v

    def _char_index(self) -> CharGramIndex:
        if self._index is None:  # built on first use (a race builds it twice, same result)
            self._index = CharGramIndex(self.char_terms, self.char_max_n)
        return self._index

    def _char_ngrams(self, text: str) -> list[str]:
        return _char_ngrams(text, self.char_max_n)

    @staticmethod
    def _tfidf(docs: Iterable[list[str]], vocab: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, ...]:
        """CountVectorizer._count_vocab + TfidfTransformer.transform (sublinear tf, l2).

        Returns CSR ``(indptr, indices, data)`` with sorted column indices, as
        scikit-learn's matrix holds them.
        """
        rows, cols, n_docs = _word_pairs(docs, vocab)
        return _tfidf_pairs(rows, cols, n_docs, len(idf), idf)

    def transform(
        self, tokenizer: Any, norm_texts: Sequence[str], hidden: Sequence[int] | None = None
    ) -> SparseRows:
        """Return the stacked word and character TF-IDF rows (CSR arrays, float32).

        The same values, in the same order, as ``scipy.sparse.hstack`` of the
        two vectorizers' matrices (word columns first); ``hidden`` as in
        :func:`wxscreen._features.feature_matrix`.
        """
        from ._features import HIDDEN_MIN, HIDDEN_TOKEN

        n_word = len(self.word_terms)
        joined = [" ".join(tokenizer(t)) for t in norm_texts]
        if hidden is not None:
            joined = [w + " " + HIDDEN_TOKEN if h >= HIDDEN_MIN else w for w, h in zip(joined, hidden, strict=True)]
        words = (self._tokens(w) for w in joined)
        if sum(map(len, norm_texts)) <= _SMALL_BATCH_CHARS:
            wget, cget, max_n = self.word_vocab.get, self.char_vocab.get, self.char_max_n
            wp, wc, wd = _tfidf_csr(*_small_csr([list(map(wget, doc)) for doc in words]), self.word_idf)
            cp, cc, cd = _tfidf_csr(
                *_small_csr([list(map(cget, _char_ngrams(t, max_n))) for t in norm_texts]), self.char_idf
            )
        else:
            wp, wc, wd = self._tfidf(words, self.word_vocab, self.word_idf)
            rows, cols = self._char_index().pairs(norm_texts)
            cp, cc, cd = _tfidf_pairs(rows, cols, len(norm_texts), len(self.char_terms), self.char_idf)
        n = len(wp) - 1
        if n == 1:  # one row: word entries, then character entries, as the stable sort below gives
            indices = np.concatenate([wc, cc + np.int32(n_word)])
            return SparseRows(wp + cp, indices, np.concatenate([wd, cd]), (1, n_word + len(self.char_terms)))
        rows = np.concatenate([np.repeat(np.arange(n), np.diff(wp)), np.repeat(np.arange(n), np.diff(cp))])
        order = np.argsort(rows, kind="stable")  # per row: word entries, then character entries
        indices = np.concatenate([wc, cc + np.int32(n_word)])[order]
        data = np.concatenate([wd, cd])[order]
        indptr = wp + cp
        return SparseRows(indptr, indices, data, (n, n_word + len(self.char_terms)))

    # -- prediction --------------------------------------------------------
    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, shape (n_samples, n_classes), as scikit-learn computes them."""
        if not isinstance(X, SparseRows):
            X = SparseRows.from_csr(X)
        # scipy's csr_matvecs: y[i] = 0; y[i] += data[j] * coef[:, col[j]] for j in row order, in double
        coef_t = self._coef_t
        prods = X.data.astype(np.float64)[:, None] * coef_t[X.indices]
        d = np.zeros((X.shape[0], coef_t.shape[1]))
        ptr = X.indptr
        for r in range(X.shape[0]):
            a, b = ptr[r], ptr[r + 1]
            if a != b:
                d[r] = np.cumsum(prods[a:b], axis=0)[-1]
        d += self.intercept
        # _convert_to_logits: decision values that look like probabilities are logged
        if np.all((d >= 0) & (d <= 1)) and np.all(np.isclose(np.sum(d, axis=1), np.asarray(1.0, dtype=d.dtype))):
            d = np.log(d + 1e-12)
        # sklearn.utils.extmath.softmax(beta * logits)
        P = self.beta * d
        P -= np.reshape(np.max(P, axis=1), (-1, 1))
        np.exp(P, out=P)
        P /= np.reshape(np.sum(P, axis=1), (-1, 1))
        P[(1.0 < P) & (P <= 1.0 + 1e-5)] = 1.0
        return P

    def feature_names(self) -> np.ndarray:
        """``w:``/``c:``-prefixed feature names in column order (as ``Bundle`` explains)."""
        return np.concatenate(
            [
                np.asarray(["w:" + n for n in self.word_terms], dtype=object),
                np.asarray(["c:" + n for n in self.char_terms], dtype=object),
            ]
        )

    # -- persistence (arrays only; terms live in vocabulary.json) ------------
    def arrays(self) -> dict[str, np.ndarray]:
        """The numeric parts, for ``numpy.savez`` (no object arrays)."""
        return {
            "word_idf": self.word_idf,
            "char_idf": self.char_idf,
            "coef": self.coef,
            "intercept": self.intercept,
            "beta": self.beta,
            "classes": np.asarray(self.classes, dtype=str),
            "token_pattern": np.asarray(self.token_pattern, dtype=str),
            "char_max_n": np.asarray(self.char_max_n, dtype=np.int64),
        }

    @classmethod
    def from_arrays(cls, arrays: Any, word_terms: Sequence[str], char_terms: Sequence[str]) -> LinearTextModel:
        """Rebuild from :meth:`arrays` output and the vocabularies.

        Raises
        ------
        ValueError, KeyError
            If an array is missing or the shapes disagree.
        """
        return cls(
            word_terms, arrays["word_idf"], char_terms, arrays["char_idf"], str(arrays["token_pattern"]),
            int(arrays["char_max_n"]), arrays["coef"], arrays["intercept"], arrays["beta"],
            [str(c) for c in arrays["classes"]],
        )


def _plain_vectorizer(vec: Any, analyzer: str) -> bool:
    return (
        type(vec).__name__ == "TfidfVectorizer"
        and vec.analyzer == analyzer
        and vec.input == "content"
        and vec.lowercase is False
        and vec.preprocessor is None
        and vec.tokenizer is None
        and vec.strip_accents is None
        and vec.stop_words is None
        and vec.binary is False
        and vec.norm == "l2"
        and vec.use_idf is True
        and vec.sublinear_tf is True
        and vec.ngram_range[0] == 1
        and vec.dtype is np.float32
        and np.asarray(vec.idf_).dtype == np.float32
    )


def from_estimators(word: Any, char: Any, clf: Any) -> LinearTextModel | None:
    """Build the twin of fitted estimators, or None when it would not be exact.

    Parameters
    ----------
    word, char : TfidfVectorizer
        Fitted word (``analyzer="word"``, unigrams) and character vectorizers.
    clf : CalibratedClassifierCV
        Fitted with ``method="temperature"`` and ``ensemble=False`` around a
        linear model with ``coef_`` / ``intercept_``.

    Returns
    -------
    LinearTextModel or None
    """
    try:
        if not (_plain_vectorizer(word, "word") and _plain_vectorizer(char, "char")):
            return None
        if tuple(word.ngram_range) != (1, 1) or not isinstance(word.token_pattern, str):
            return None
        if type(clf).__name__ != "CalibratedClassifierCV" or clf.method != "temperature":
            return None
        if len(clf.calibrated_classifiers_) != 1:
            return None
        cc = clf.calibrated_classifiers_[0]
        est = cc.estimator
        if type(est).__name__ != "LinearSVC" or len(cc.calibrators) != 1:
            return None
        if type(cc.calibrators[0]).__name__ != "_TemperatureScaling":
            return None
        n = len(clf.classes_)
        # the SVM is fitted on the label-encoded classes 0..n-1 (or the labels themselves)
        if list(cc.classes) != list(clf.classes_) or (
            list(est.classes_) != list(clf.classes_) and list(est.classes_) != list(range(n))
        ):
            return None
        wt = [t for t, _ in sorted(word.vocabulary_.items(), key=lambda kv: kv[1])]
        ct = [t for t, _ in sorted(char.vocabulary_.items(), key=lambda kv: kv[1])]
        return LinearTextModel(
            wt, word.idf_, ct, char.idf_, word.token_pattern, char.ngram_range[1], np.asarray(est.coef_),
            np.asarray(est.intercept_), np.asarray(cc.calibrators[0].beta_), [str(c) for c in clf.classes_],
        )
    except (AttributeError, ValueError, TypeError):
        return None


# -- the learned sentence flagger (``_flagmodel``) ---------------------------
def _libm_expf() -> Any:
    """The C library's single-precision ``expf`` (what scipy's float32 ``expit`` calls), or None."""
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("m")
        fn = ctypes.CDLL(name).expf
        fn.restype = ctypes.c_float
        fn.argtypes = [ctypes.c_float]
        return fn
    except (OSError, AttributeError, TypeError):  # pragma: no cover - no C math library
        return None


_EXPF: Any = None


def expit32(d: np.ndarray) -> np.ndarray:
    """``scipy.special.expit`` of a float32 array, bit for bit, without importing scipy.

    scipy computes ``1 / (1 + expf(-x))`` in single precision. ``exp`` in
    double precision rounded to float32 equals ``expf`` except when the
    double result lies within a hair of a float32 rounding boundary (or is
    out of the normal range); only those elements are recomputed with the C
    library's ``expf`` (through ctypes), so the result is identical at
    numpy speed.

    Parameters
    ----------
    d : ndarray of float32

    Returns
    -------
    ndarray of float32, same shape
    """
    global _EXPF
    x = np.asarray(d, dtype=np.float32)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        e64 = np.exp(-x.astype(np.float64))
        e = e64.astype(np.float32)
        ulp = np.spacing(e).astype(np.float64)
        frac = np.abs(e64 - e.astype(np.float64)) / ulp
        risky = ~np.isfinite(frac) | (np.abs(frac - 0.5) < 0.05) | (np.frexp(e)[0] == 0.5)
        risky |= (e < np.float32(1.2e-38)) | (e > np.float32(1e38))
    idx = np.flatnonzero(risky)
    if idx.size:
        if _EXPF is None:
            _EXPF = _libm_expf() or False
        if _EXPF:
            flat = e.reshape(-1)
            flat[idx] = np.fromiter(map(_EXPF, (-x.reshape(-1)[idx]).tolist()), dtype=np.float32, count=idx.size)
    with np.errstate(over="ignore"):
        return np.float32(1.0) / (np.float32(1.0) + e)


class LinearFlagModel:
    """The learned sentence flagger's character TF-IDF and logistic regressions, in numpy.

    All outputs (P(kind) per kind, then every detail classifier's decision
    columns) come from one sparse-times-dense product with the stacked
    coefficients, summed per sentence in column order and in float32 as
    scipy's ``csr_matvec`` does for the float32 models scikit-learn fits on
    float32 features; so P(kind) equals ``LogisticRegression.predict_proba(X)[:, 1]``
    and the details equal ``LogisticRegression.predict`` exactly.

    Parameters
    ----------
    terms : sequence of str
        Character n-gram vocabulary in column order.
    idf : ndarray of float32
    max_n : int
        Longest character n-gram (shortest is 1).
    kinds : sequence of str
        Flag kinds, in the order of the first ``len(kinds)`` rows of ``coef``.
    coef : ndarray of float32, shape (n_outputs, n_features)
        Kind rows, then each kind's detail rows (none for a constant detail,
        one for a binary detail model, one per class otherwise).
    intercept : ndarray of float32, shape (n_outputs,)
    detail_rows : ndarray of int64, shape (n_kinds + 1,)
        Kind ``k``'s detail rows are ``coef[detail_rows[k]:detail_rows[k+1]]``.
    detail_classes : sequence of str
        The detail classes, kind by kind (``classes_`` order).
    detail_ptr : ndarray of int64, shape (n_kinds + 1,)
        Kind ``k``'s classes are ``detail_classes[detail_ptr[k]:detail_ptr[k+1]]``.

    Raises
    ------
    ValueError
        If the shapes disagree.
    """

    def __init__(
        self,
        terms: Sequence[str],
        idf: np.ndarray,
        max_n: int,
        kinds: Sequence[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        detail_rows: np.ndarray,
        detail_classes: Sequence[str],
        detail_ptr: np.ndarray,
    ) -> None:
        n_kinds = len(kinds)
        self.terms = list(terms)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.max_n = int(max_n)
        self.kinds = [str(k) for k in kinds]
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.detail_rows = np.asarray(detail_rows, dtype=np.int64)
        self.detail_classes = [str(c) for c in detail_classes]
        self.detail_ptr = np.asarray(detail_ptr, dtype=np.int64)
        n_out = self.coef.shape[0]
        if self.idf.shape != (len(self.terms),) or self.coef.shape != (n_out, len(self.terms)):
            raise ValueError("flagger coefficients do not match the vocabulary")
        if self.intercept.shape != (n_out,) or self.detail_rows.shape != (n_kinds + 1,):
            raise ValueError("flagger intercepts do not match the coefficients")
        if self.detail_ptr.shape != (n_kinds + 1,) or self.detail_ptr[-1] != len(self.detail_classes):
            raise ValueError("flagger detail classes do not match the kinds")
        if self.detail_rows[0] != n_kinds or self.detail_rows[-1] != n_out:
            raise ValueError("flagger detail rows do not match the coefficients")
        for k in range(n_kinds):
            rows = self.detail_rows[k + 1] - self.detail_rows[k]
            n_cls = self.detail_ptr[k + 1] - self.detail_ptr[k]
            if not ((rows == 0 and n_cls == 1) or (rows == 1 and n_cls == 2) or (rows == n_cls and n_cls >= 3)):
                raise ValueError("flagger detail model shapes are inconsistent")
        self._coef_t = np.ascontiguousarray(self.coef.T)
        self._index: CharGramIndex | None = None
        self._vocab: dict[str, int] | None = None

    @property
    def vocab(self) -> dict[str, int]:
        """Character n-gram → column (built on first request: small batches count with it)."""
        v = self._vocab
        if v is None:
            v = self._vocab = {t: i for i, t in enumerate(self.terms)}
        return v

    def transform(self, units: Sequence[str]) -> SparseRows:
        """Character TF-IDF rows of ``units`` (as the fitted ``TfidfVectorizer.transform``)."""
        if sum(map(len, units)) <= _SMALL_BATCH_CHARS:
            get, max_n = self.vocab.get, self.max_n
            ptr, cols, data = _tfidf_csr(*_small_csr([list(map(get, _char_ngrams(u, max_n))) for u in units]), self.idf)
        else:
            if self._index is None:
                self._index = CharGramIndex(self.terms, self.max_n)
            rows, cols = self._index.pairs(units)
            ptr, cols, data = _tfidf_pairs(rows, cols, len(units), len(self.terms), self.idf)
        return SparseRows(ptr, cols, data, (len(ptr) - 1, len(self.terms)))

    def decision(self, X: SparseRows) -> np.ndarray:
        """Every output's decision value, shape (n_rows, n_outputs), float32."""
        n_rows, n_out = X.shape[0], self._coef_t.shape[1]
        d = np.zeros((n_rows, n_out), dtype=np.float32)
        if X.nnz:
            # scipy's csr_matvec per output column: float32 products added one by one, in
            # row order, to a float32 sum starting at 0 (numpy's reductions sum pairwise,
            # which rounds differently; ``cumsum`` adds one by one)
            if n_rows > _DECISION_STEPWISE:
                d[:] = self._decision_stepwise(X)
            elif n_rows <= _DECISION_ROWWISE:
                self._decision_rowwise(X, d)
            else:
                d[:] = self._decision_padded(X)
        d += self.intercept
        return d

    def _decision_stepwise(self, X: SparseRows) -> np.ndarray:
        """Step k adds every row's k-th product at once (cheap for many rows)."""
        n_rows, n_out = X.shape[0], self._coef_t.shape[1]
        lengths = np.diff(X.indptr)
        order = np.argsort(-lengths, kind="stable")  # longest rows first: active rows are a prefix
        starts = X.indptr[:-1][order]
        n_active = np.searchsorted(-lengths[order], -np.arange(int(lengths.max())), side="left")
        data, indices, coef_t = X.data[:, None], X.indices, self._coef_t
        acc = np.zeros((n_rows, n_out), dtype=np.float32)
        for m in n_active.tolist():  # m rows are longer than the step k
            j = starts[:m]
            acc[:m] += data[j] * coef_t[indices[j]]
            starts[:m] += 1
        d = np.zeros((n_rows, n_out), dtype=np.float32)
        d[order] = acc
        return d

    def _decision_rowwise(self, X: SparseRows, d: np.ndarray) -> None:
        """Row by row into ``d``: each row's float32 products summed by one ``cumsum`` (few rows: no padding).

        The same sums as :meth:`_decision_padded` (whose padding adds only zeros after the products).
        """
        prods = X.data[:, None] * self._coef_t[X.indices]
        ptr = X.indptr.tolist()
        for r in range(X.shape[0]):
            a, b = ptr[r], ptr[r + 1]
            if a != b:
                d[r] = np.cumsum(prods[a:b], axis=0, dtype=np.float32)[-1]

    def _decision_padded(self, X: SparseRows) -> np.ndarray:
        """Rows padded with zero products to a power-of-two width, summed by ``cumsum`` (few numpy calls)."""
        n_rows, n_out = X.shape[0], self._coef_t.shape[1]
        d = np.zeros((n_rows, n_out), dtype=np.float32)
        lengths = np.diff(X.indptr)
        data, indices, coef_t = X.data, X.indices, self._coef_t
        width = np.ones_like(lengths)
        while True:
            short = width < lengths
            if not short.any():
                break
            width[short] *= 2
        for w in np.unique(width[lengths > 0]).tolist():
            rows = np.flatnonzero((width == w) & (lengths > 0))
            step = max(1, _DECISION_BLOCK // (w * n_out))
            for c in range(0, rows.size, step):
                chunk = rows[c : c + step]
                ls = lengths[chunk]
                within = np.arange(int(ls.sum())) - np.repeat(np.cumsum(ls) - ls, ls)
                src = np.repeat(X.indptr[chunk], ls) + within
                pad = np.zeros((chunk.size, w, n_out), dtype=np.float32)
                pad[np.repeat(np.arange(chunk.size), ls), within] = data[src, None] * coef_t[indices[src]]
                d[chunk] = np.cumsum(pad, axis=1, dtype=np.float32)[:, -1]
        return d

    def predict(self, units: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """P(kind | unit), shape (n_units, n_kinds), float32, and the decision matrix."""
        D = self.decision(self.transform(units))
        return expit32(D[:, : len(self.kinds)]), D

    def details(self, kind: str, D: np.ndarray) -> list[str]:
        """The detail ``LogisticRegression.predict`` gives for rows of the decision matrix ``D``."""
        k = self.kinds.index(kind)
        a, b = int(self.detail_rows[k]), int(self.detail_rows[k + 1])
        classes = self.detail_classes[int(self.detail_ptr[k]) : int(self.detail_ptr[k + 1])]
        if b == a:
            return [classes[0]] * D.shape[0]
        if b - a == 1:
            idx = (D[:, a] > 0).astype(np.intp)
        else:
            idx = np.argmax(D[:, a:b], axis=1)
        return [classes[i] for i in idx.tolist()]

    def arrays(self) -> dict[str, np.ndarray]:
        """The numeric parts, ``flag_``-prefixed, for ``numpy.savez`` (no object arrays)."""
        return {
            "flag_idf": self.idf,
            "flag_max_n": np.asarray(self.max_n, dtype=np.int64),
            "flag_kinds": np.asarray(self.kinds, dtype=str),
            "flag_coef": self.coef,
            "flag_intercept": self.intercept,
            "flag_detail_rows": self.detail_rows,
            "flag_detail_classes": np.asarray(self.detail_classes, dtype=str),
            "flag_detail_ptr": self.detail_ptr,
        }

    @classmethod
    def from_arrays(cls, arrays: Any, terms: Sequence[str]) -> LinearFlagModel:
        """Rebuild from :meth:`arrays` output and the vocabulary.

        Raises
        ------
        ValueError, KeyError
            If an array is missing or the shapes disagree.
        """
        return cls(
            terms, arrays["flag_idf"], int(arrays["flag_max_n"]), [str(k) for k in arrays["flag_kinds"]],
            arrays["flag_coef"], arrays["flag_intercept"], arrays["flag_detail_rows"],
            [str(c) for c in arrays["flag_detail_classes"]], arrays["flag_detail_ptr"],
        )


def flag_from_estimators(vec: Any, kind_clf: dict[str, Any], detail_clf: dict[str, Any]) -> LinearFlagModel | None:
    """Build the twin of a fitted sentence flagger, or None when it would not be exact.

    Parameters
    ----------
    vec : TfidfVectorizer
        Fitted character vectorizer (float32).
    kind_clf : dict of str to LogisticRegression
        Binary models fitted on ``[False, True]`` targets with float32 coefficients.
    detail_clf : dict of str to LogisticRegression or str

    Returns
    -------
    LinearFlagModel or None
    """
    try:
        if not _plain_vectorizer(vec, "char") or set(kind_clf) != set(detail_clf):
            return None
        kinds = list(kind_clf)
        rows: list[np.ndarray] = []
        intercepts: list[np.ndarray] = []

        def plain_lr(clf: Any) -> bool:
            return (
                type(clf).__name__ == "LogisticRegression"
                and np.asarray(clf.coef_).dtype == np.float32
                and np.asarray(clf.intercept_).dtype == np.float32
                and np.asarray(clf.coef_).shape[1] == len(vec.idf_)
            )

        for kind in kinds:
            clf = kind_clf[kind]
            if not plain_lr(clf) or [bool(c) for c in clf.classes_] != [False, True] or clf.coef_.shape[0] != 1:
                return None
            rows.append(np.asarray(clf.coef_))
            intercepts.append(np.asarray(clf.intercept_))
        detail_rows = [len(kinds)]
        detail_classes: list[str] = []
        detail_ptr = [0]
        for kind in kinds:
            det = detail_clf[kind]
            if isinstance(det, str):
                detail_classes.append(det)
            else:
                classes = [str(c) for c in det.classes_]
                if not plain_lr(det) or det.coef_.shape[0] != (1 if len(classes) == 2 else len(classes)):
                    return None
                rows.append(np.asarray(det.coef_))
                intercepts.append(np.asarray(det.intercept_))
                detail_classes.extend(classes)
            detail_rows.append(detail_rows[-1] + (0 if isinstance(det, str) else rows[-1].shape[0]))
            detail_ptr.append(len(detail_classes))
        terms = [t for t, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
        return LinearFlagModel(
            terms, vec.idf_, vec.ngram_range[1], kinds, np.concatenate(rows), np.concatenate(intercepts),
            np.asarray(detail_rows), detail_classes, np.asarray(detail_ptr),
        )
    except (AttributeError, ValueError, TypeError):
        return None
