"""Feature extraction and the classifier bundle.

Features (DOMAIN-independent, stock scikit-learn estimators only):

* word TF-IDF over jieba words (one-character words kept), computed on the
  space-joined tokens of the normalised text, so the fitted vectorizer
  holds no custom callable and can be saved with skops;
* character TF-IDF over 1- to 3-grams of the normalised text;
* the obfuscation signal: a message with two or more invisible characters
  inside words (``NormalizedText.invisible_in_words``) gets the pseudo-word
  :data:`HIDDEN_TOKEN` among its words.

The two sparse blocks are stacked and fed to a linear SVM whose decision
values are calibrated into probabilities by temperature scaling fitted on
held-out folds
(``CalibratedClassifierCV(method="temperature", ensemble=False)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._tokenize import JiebaTokenizer

__all__ = ["HIDDEN_TOKEN", "Bundle", "build_estimators", "feature_matrix"]

#: Pseudo-word added to the word features of a message that hid two or more
#: invisible characters inside words (DOMAIN.md §4: a strong evasion signal).
HIDDEN_TOKEN = "隐形字符"
HIDDEN_MIN = 2


def feature_matrix(
    word: Any,
    char: Any,
    tokenizer: JiebaTokenizer,
    norm_texts: Sequence[str],
    *,
    fit: bool = False,
    hidden: Sequence[int] | None = None,
) -> Any:
    """Stack word and character TF-IDF features of normalised texts.

    The single place that turns text into features, for training (``fit=True``)
    and inference alike, so the two can never drift apart.

    Parameters
    ----------
    word, char : TfidfVectorizer
        The word (over space-joined jieba tokens) and character vectorizers.
    tokenizer : JiebaTokenizer
    norm_texts : sequence of str, length n_samples
    fit : bool, default=False
        Fit the vectorizers on these texts first.
    hidden : sequence of int or None, default=None
        Invisible characters found inside words of each text
        (``NormalizedText.invisible_in_words``); None means none anywhere.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_samples, n_features)
    """
    from scipy.sparse import hstack

    words = [" ".join(tokenizer(t)) for t in norm_texts]
    if hidden is not None:
        words = [w + " " + HIDDEN_TOKEN if h >= HIDDEN_MIN else w for w, h in zip(words, hidden, strict=True)]
    if fit:
        return hstack([word.fit_transform(words), char.fit_transform(norm_texts)], format="csr")
    return hstack([word.transform(words), char.transform(norm_texts)], format="csr")


def build_estimators(
    seed: int = 0,
    *,
    C: float = 0.5,
    calibration: str = "temperature",
    calibration_cv: int = 5,
    min_df: int = 2,
    char_max_features: int | None = 60000,
    class_weight: str | None = None,
    char_ngram: tuple[int, int] = (1, 3),
    word_ngram: tuple[int, int] = (1, 1),
    max_df: float = 1.0,
    sublinear_tf: bool = True,
    classifier: str = "svm",
) -> dict[str, Any]:
    """Return unfitted estimators: ``word``, ``char`` vectorizers and ``clf``.

    The defaults are the shipped model's settings; training
    (:func:`wxscreen.training.train`) and the scikit-learn estimator
    (:class:`wxscreen.training.WxScreenClassifier`) both build their estimators
    here.

    Parameters
    ----------
    seed : int, default=0
        Random seed of the linear SVM and of the calibration folds.
    C : float, default=0.5
        Inverse regularisation strength of the linear SVM (> 0).
    calibration : {"temperature", "sigmoid", "isotonic"}, default="temperature"
        ``method`` of :class:`~sklearn.calibration.CalibratedClassifierCV`.
    calibration_cv : int, default=5
        Stratified folds on which the calibration is fitted (>= 2).
    min_df : int, default=2
        Minimum document frequency of a word or character n-gram.
    char_max_features : int or None, default=60000
        Cap on the character n-gram vocabulary (most frequent kept).
    class_weight : {None, "balanced"}, default=None
        ``class_weight`` of the linear model.
    char_ngram, word_ngram : tuple of (int, int), default=(1, 3) and (1, 1)
        ``ngram_range`` of the character and word vectorizers. The numpy twin
        (``_linear``) replicates only ``(1, n)`` characters and word unigrams.
    max_df : float, default=1.0
        Maximum document frequency (share of documents) of a word or n-gram.
    sublinear_tf : bool, default=True
        ``1 + log(tf)`` instead of raw counts (the twin replicates only True).
    classifier : {"svm", "logreg"}, default="svm"
        :class:`~sklearn.svm.LinearSVC` or multinomial
        :class:`~sklearn.linear_model.LogisticRegression` (same ``C`` argument).

    Returns
    -------
    dict of str to estimator
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    word = TfidfVectorizer(
        token_pattern=r"(?u)\S+", lowercase=False, ngram_range=tuple(word_ngram), min_df=min_df, max_df=max_df,
        sublinear_tf=sublinear_tf, dtype=np.float32,
    )
    char = TfidfVectorizer(
        analyzer="char", ngram_range=tuple(char_ngram), min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf,
        lowercase=False, dtype=np.float32, max_features=char_max_features,
    )
    # C chosen by 5-fold cross-validation on the training split only; class weights
    # ("balanced") scored the same there and are left out, so the training prior
    # (mostly benign messages) is kept. Re-checked on corpus v3 (train n=6,186,
    # grouped 5-fold CV, `python benchmarks/cv_grid.py`, benchmarks/results/cv_grid.md):
    # these defaults give macro-F1 0.9269 ± 0.0077; no alternative (C 0.25/1/2,
    # balanced, char (1,4)/(2,4), min_df 1/3, max_df 0.5, raw tf, word bigrams,
    # logistic regression) beat them by more than one standard error of the paired
    # fold differences (best: C=1.0, +0.0008 ± 0.0009)
    base: Any
    if classifier == "svm":
        base = LinearSVC(C=C, class_weight=class_weight, random_state=seed)
    elif classifier == "logreg":
        from sklearn.linear_model import LogisticRegression

        base = LogisticRegression(C=C, class_weight=class_weight, max_iter=2000, random_state=seed)
    else:
        raise ValueError(f"classifier must be 'svm' or 'logreg', got {classifier!r}")
    clf = CalibratedClassifierCV(
        base,
        method=calibration,
        cv=StratifiedKFold(calibration_cv, shuffle=True, random_state=seed),
        ensemble=False,
    )
    return {"word": word, "char": char, "clf": clf}


def _shown_name(feature: str) -> str | None:
    """The cue a ``w:``/``c:`` feature name shows in ``reasons``, or None when it explains nothing."""
    name = feature[2:].replace(" ", "")
    if sum(ch.isalnum() for ch in name) < 2 or not name.isalnum() or any(ch.isdigit() for ch in name):
        return None  # single characters and n-grams with punctuation explain nothing
    if name.isascii():
        return None  # Latin fragments explain nothing and may be pieces of an account handle
    return name


@dataclass
class Bundle:
    """A fitted model: vectorizers, calibrated classifier and metadata.

    Attributes
    ----------
    word, char : TfidfVectorizer
        Fitted word and character vectorizers.
    clf : CalibratedClassifierCV
        Fitted calibrated classifier; ``clf.classes_`` are label values.
    metadata : dict
        Versions, labels, corpus hash and metrics (see ``_persist``).
    tokenizer : JiebaTokenizer
        The tokenizer the word features were trained with.
    flagger : SentenceFlagger or None
        The learned sentence-level flagger (``_flagmodel``), if trained.
    """

    word: Any
    char: Any
    clf: Any
    metadata: dict[str, Any]
    tokenizer: JiebaTokenizer = field(default_factory=JiebaTokenizer)
    flagger: Any = None
    _names: np.ndarray | None = field(default=None, repr=False)
    _coef: np.ndarray | None = field(default=None, repr=False)
    _class_index: dict[str, int] = field(default_factory=dict, repr=False)
    #: numpy twin of word/char/clf (``_linear``): when set, inference never touches scikit-learn
    linear: Any = field(default=None, repr=False)
    #: loads (word, char, clf) on demand when the bundle came from the twin cache
    loader: Any = field(default=None, repr=False)
    #: feature column -> the name :meth:`top_features` shows (None: never shown), filled on use
    _shown: dict[int, str | None] = field(default_factory=dict, repr=False)

    def estimators(self) -> tuple[Any, Any, Any]:
        """Return the scikit-learn ``(word, char, clf)``, loading them first if needed.

        A bundle loaded from the per-user twin cache (see ``_persist``) starts
        without them; saving or retraining needs them.
        """
        if self.clf is None and self.loader is not None:
            self.word, self.char, self.clf = self.loader()
        return self.word, self.char, self.clf

    def transform(self, norm_texts: Sequence[str], hidden: Sequence[int] | None = None) -> Any:
        """Vectorise a batch of normalised texts: one transform per vectorizer.

        Parameters
        ----------
        norm_texts : sequence of str, length n_samples
        hidden : sequence of int or None, default=None
            Invisible characters inside words per text (see :func:`feature_matrix`).

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_samples, n_features)
        """
        if self.linear is not None:
            return self.linear.transform(self.tokenizer, norm_texts, hidden=hidden)
        return feature_matrix(self.word, self.char, self.tokenizer, norm_texts, hidden=hidden)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return calibrated probabilities, shape (n_samples, n_classes)."""
        if self.linear is not None:
            return np.asarray(self.linear.predict_proba(X), dtype=np.float64)
        return np.asarray(self.clf.predict_proba(X), dtype=np.float64)

    def decision_function(self, X: Any) -> np.ndarray:
        """Return the linear SVM's uncalibrated decision values.

        The margins of the SVM(s) inside the calibrated classifier, averaged
        when the calibration kept one SVM per fold (``ensemble=True``). They
        are not probabilities; the evaluation turns them into the
        "before calibration" baseline with a softmax.

        Parameters
        ----------
        X : sparse matrix of shape (n_samples, n_features)
            Output of :meth:`transform`.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            Columns in the order of :attr:`classes`.
        """
        from scipy.sparse import issparse

        if not issparse(X):  # the numpy twin's SparseRows
            X = X.tocsr()
        _, _, clf = self.estimators()
        parts = []
        for c in clf.calibrated_classifiers_:
            d = np.asarray(c.estimator.decision_function(X), dtype=np.float64)
            parts.append(np.column_stack([-d, d]) if d.ndim == 1 else d)  # two classes: one margin
        return np.asarray(np.mean(parts, axis=0))

    @property
    def classes(self) -> list[str]:
        """Label values in the column order of :meth:`predict_proba`."""
        if self.linear is not None:
            return list(self.linear.classes)
        return [str(c) for c in self.clf.classes_]

    def _explainer(self) -> tuple[np.ndarray, np.ndarray]:
        if self._names is None or self._coef is None:
            if self.linear is not None:
                self._coef = np.asarray(self.linear.coef, dtype=np.float64)
                self._class_index = {c: i for i, c in enumerate(self.classes)}
                self._names = self.linear.feature_names()
                return self._names, self._coef
            names = np.concatenate(
                [
                    np.asarray(["w:" + n for n in self.word.get_feature_names_out()], dtype=object),
                    np.asarray(["c:" + n for n in self.char.get_feature_names_out()], dtype=object),
                ]
            )
            base = self.clf.calibrated_classifiers_[0].estimator
            self._coef = np.asarray(base.coef_, dtype=np.float64)
            self._class_index = {c: i for i, c in enumerate(self.classes)}
            self._names = names
        return self._names, self._coef

    def top_features(self, X_row: Any, label: str, k: int = 5, *, row: int | None = None) -> list[str]:
        """Return the ``k`` features that pushed one row most towards ``label``.

        Parameters
        ----------
        X_row : sparse matrix of shape (1, n_features), or (n_samples, n_features) with ``row``
        label : str
            A label value in :attr:`classes`.
        k : int, default=5
        row : int or None, default=None
            When given, ``X_row`` is a whole CSR batch and this row is read in
            place (no per-row sparse slicing).

        Returns
        -------
        list of str
            Feature strings (words or character n-grams), strongest first.
        """
        names, coef = self._explainer()
        ci = self._class_index[label] if self._class_index else self.classes.index(label)
        if row is None:
            csr = X_row.tocsr()
            row = 0
        else:
            csr = X_row
        a, b = csr.indptr[row], csr.indptr[row + 1]
        idx = csr.indices[a:b]
        data = csr.data[a:b]
        if idx.size == 0:
            return []
        if coef.shape[0] == 1:
            # two classes: a linear model keeps one row, for classes[1]; classes[0] is its negation
            contrib = data * (coef[0, idx] if ci == 1 else -coef[0, idx])
        else:
            contrib = data * coef[ci, idx]
        order = np.argsort(-contrib)
        # walk the positive contributions, strongest first (the same order as before any filtering)
        order = order[: int(np.count_nonzero(contrib[order] > 0))]
        out: list[str] = []
        seen: set[str] = set()
        shown = self._shown
        for j in idx[order].tolist():
            if len(out) >= k:
                break
            if j in shown:
                name = shown[j]
            else:
                name = shown[j] = _shown_name(str(names[j]))
            if name is None:
                continue
            if name not in seen and not any(name in s or s in name for s in seen):
                seen.add(name)
                out.append(name)
        return out
