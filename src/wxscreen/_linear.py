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
from typing import Any

import numpy as np

__all__ = ["LinearTextModel", "SparseRows", "from_estimators"]

_WHITE_SPACES = re.compile(r"\s\s+")  # sklearn.feature_extraction.text._VectorizerMixin._white_spaces


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
        self.char_vocab = {t: i for i, t in enumerate(self.char_terms)}
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

    # -- features ----------------------------------------------------------
    def _char_ngrams(self, text: str) -> list[str]:
        text = _WHITE_SPACES.sub(" ", text)
        n_text = len(text)
        grams = list(text)
        for n in range(2, min(self.char_max_n + 1, n_text + 1)):
            for i in range(n_text - n + 1):
                grams.append(text[i : i + n])
        return grams

    @staticmethod
    def _tfidf(docs: Iterable[list[str]], vocab: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, ...]:
        """CountVectorizer._count_vocab + TfidfTransformer.transform (sublinear tf, l2).

        ``docs`` is consumed one document at a time, so a batch's n-grams are
        never all in memory at once. Returns CSR ``(indptr, indices, data)``
        with sorted column indices, as scikit-learn's matrix holds them.
        """
        j_indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for doc in docs:
            counter: dict[int, int] = {}
            for feature in doc:
                idx = vocab.get(feature)
                if idx is not None:
                    counter[idx] = counter.get(idx, 0) + 1
            j_indices.extend(counter.keys())
            values.extend(counter.values())
            indptr.append(len(j_indices))
        ptr = np.asarray(indptr, dtype=np.int64)
        cols = np.asarray(j_indices, dtype=np.int32)
        rows = np.repeat(np.arange(len(indptr) - 1), np.diff(ptr))
        order = np.lexsort((cols, rows))  # X.sort_indices()
        cols = cols[order]
        data = np.asarray(values, dtype=np.intc)[order].astype(np.float32)
        np.log(data, data)
        data += 1.0
        data *= idf[cols]
        # sklearn's inplace_csr_row_normalize_l2: float squares summed in double, in order
        for r in range(len(indptr) - 1):
            a, b = ptr[r], ptr[r + 1]
            if a == b:
                continue
            row = data[a:b]
            total = 0.0
            for v in (row * row).tolist():
                total += v
            if total == 0.0:
                continue
            data[a:b] = (row.astype(np.float64) / np.sqrt(total)).astype(np.float32)
        return ptr, cols, data

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
        chars = (self._char_ngrams(t) for t in norm_texts)
        wp, wc, wd = self._tfidf(words, self.word_vocab, self.word_idf)
        cp, cc, cd = self._tfidf(chars, self.char_vocab, self.char_idf)
        n = len(wp) - 1
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
