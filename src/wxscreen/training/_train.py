"""Training: corpus → fitted, calibrated bundle (deterministic for a seed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._features import Bundle, build_estimators, feature_matrix
from .._normalize import normalize
from .._tokenize import JiebaTokenizer
from ._corpus import LabelledMessage, corpus_sha256

__all__ = ["fit_bundle", "train"]


def fit_bundle(texts: Sequence[str], labels: Sequence[str], *, seed: int = 0, **params: Any) -> Bundle:
    """Normalise, featurise and fit: the one training routine.

    Used by :func:`train` and by :class:`~wxscreen.training.WxScreenClassifier`,
    so the two can never drift apart.

    Parameters
    ----------
    texts : sequence of str, length n_samples
        Raw messages.
    labels : sequence of str, length n_samples
        Label values.
    seed : int, default=0
        Seed of the SVM and the calibration folds.
    **params
        Passed to :func:`wxscreen._features.build_estimators` (``C``,
        ``calibration``, ``calibration_cv``, ``min_df``, ``char_max_features``).

    Returns
    -------
    Bundle
        ``metadata`` holds only ``seed`` and ``hmm``.
    """
    tok = JiebaTokenizer()
    norm = [normalize(t).text for t in texts]
    est = build_estimators(seed, **params)
    X = feature_matrix(est["word"], est["char"], tok, norm, fit=True)
    est["clf"].fit(X, list(labels))
    for vec in (est["word"], est["char"]):
        # introspection-only attribute that would dominate the file size (sklearn docs)
        if hasattr(vec, "stop_words_"):
            delattr(vec, "stop_words_")
        # plain ints: skops would otherwise store every numpy scalar as its own array file
        vec.vocabulary_ = {str(k): int(v) for k, v in vec.vocabulary_.items()}
    return Bundle(est["word"], est["char"], est["clf"], {"seed": seed, "hmm": tok.hmm}, tok)


def train(records: Sequence[LabelledMessage], *, seed: int = 0, model_id: str | None = None) -> Bundle:
    """Fit the word + character TF-IDF features and the calibrated classifier.

    Parameters
    ----------
    records : sequence of LabelledMessage
        Training records; each must carry a ``label``.
    seed : int, default=0
        Seed of the calibration folds. Same records and seed ⇒ same model.
    model_id : str, optional
        Identifier stored in the metadata; default derived from the corpus hash.

    Returns
    -------
    Bundle
        The fitted model; ``metadata`` holds the corpus hash, seed, label counts.

    Raises
    ------
    ValueError
        If a record has no ``label`` or fewer than two labels are present.
    """
    if any(r.label is None for r in records):
        raise ValueError("every training record needs a 'label'")
    labels = [r.label.value for r in records if r.label is not None]
    if len(set(labels)) < 2:
        raise ValueError("training needs at least two labels")
    bundle = fit_bundle([r.text for r in records], labels, seed=seed)
    digest = corpus_sha256(records)
    bundle.metadata.update(
        {
            "model_id": model_id or f"wxscreen-tfidf-svm-{digest[:8]}",
            "corpus_sha256": digest,
            "n_train": len(records),
            "label_counts": {lab: labels.count(lab) for lab in sorted(set(labels))},
        }
    )
    return bundle
