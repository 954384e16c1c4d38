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


def build_estimators(seed: int = 0) -> dict[str, Any]:
    """Return unfitted estimators: ``word``, ``char`` vectorizers and ``clf``.

    Parameters
    ----------
    seed : int, default=0
        Random seed for the cross-validation folds of the calibration.

    Returns
    -------
    dict of str to estimator
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    word = TfidfVectorizer(
        token_pattern=r"(?u)\S+", lowercase=False, ngram_range=(1, 1), min_df=2, sublinear_tf=True,
        dtype=np.float32,
    )
    char = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, lowercase=False,
        dtype=np.float32, max_features=60000,
    )
    # C chosen by 5-fold cross-validation on the training split only; class weights
    # ("balanced") scored the same there and are left out, so the training prior
    # (mostly benign messages) is kept
    base = LinearSVC(C=0.5, random_state=seed)
    clf = CalibratedClassifierCV(
        base, method="temperature", cv=StratifiedKFold(5, shuffle=True, random_state=seed), ensemble=False
    )
    return {"word": word, "char": char, "clf": clf}


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
        return feature_matrix(self.word, self.char, self.tokenizer, norm_texts, hidden=hidden)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return calibrated probabilities, shape (n_samples, n_classes)."""
        return np.asarray(self.clf.predict_proba(X), dtype=np.float64)

    @property
    def classes(self) -> list[str]:
        """Label values in the column order of :meth:`predict_proba`."""
        return [str(c) for c in self.clf.classes_]

    def _explainer(self) -> tuple[np.ndarray, np.ndarray]:
        if self._names is None or self._coef is None:
            names = np.concatenate(
                [
                    np.asarray(["w:" + n for n in self.word.get_feature_names_out()], dtype=object),
                    np.asarray(["c:" + n for n in self.char.get_feature_names_out()], dtype=object),
                ]
            )
            base = self.clf.calibrated_classifiers_[0].estimator
            self._coef = np.asarray(base.coef_, dtype=np.float64)
            self._names = names
        return self._names, self._coef

    def top_features(self, X_row: Any, label: str, k: int = 5) -> list[str]:
        """Return the ``k`` features that pushed one row most towards ``label``.

        Parameters
        ----------
        X_row : sparse matrix of shape (1, n_features)
        label : str
            A label value in :attr:`classes`.
        k : int, default=5

        Returns
        -------
        list of str
            Feature strings (words or character n-grams), strongest first.
        """
        names, coef = self._explainer()
        ci = self.classes.index(label)
        row = X_row.tocsr()
        idx = row.indices
        if idx.size == 0:
            return []
        contrib = row.data * coef[ci, idx]
        order = np.argsort(-contrib)
        out: list[str] = []
        seen: set[str] = set()
        for j in order:
            if contrib[j] <= 0 or len(out) >= k:
                break
            name = str(names[idx[j]])[2:].replace(" ", "")
            if sum(ch.isalnum() for ch in name) < 2 or not name.isalnum() or any(ch.isdigit() for ch in name):
                continue  # single characters and n-grams with punctuation explain nothing
            if name not in seen and not any(name in s or s in name for s in seen):
                seen.add(name)
                out.append(name)
        return out
