"""Training: corpus → fitted, calibrated bundle (deterministic for a seed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._features import Bundle, build_estimators, feature_matrix
from .._normalize import normalize
from .._tokenize import JiebaTokenizer
from ._corpus import LabelledMessage, corpus_sha256

__all__ = ["train"]


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
    tok = JiebaTokenizer()
    norms = [normalize(r.text) for r in records]
    est = build_estimators(seed)
    X = feature_matrix(
        est["word"], est["char"], tok, [n.text for n in norms], fit=True, hidden=[n.invisible_in_words for n in norms]
    )
    est["clf"].fit(X, labels)
    for vec in (est["word"], est["char"]):
        # introspection-only attribute that would dominate the file size (sklearn docs)
        if hasattr(vec, "stop_words_"):
            delattr(vec, "stop_words_")
        # plain ints: skops would otherwise store every numpy scalar as its own array file
        vec.vocabulary_ = {str(k): int(v) for k, v in vec.vocabulary_.items()}
    digest = corpus_sha256(records)
    meta: dict[str, Any] = {
        "model_id": model_id or f"wxscreen-tfidf-svm-{digest[:8]}",
        "corpus_sha256": digest,
        "seed": seed,
        "n_train": len(records),
        "label_counts": {lab: labels.count(lab) for lab in sorted(set(labels))},
        "hmm": tok.hmm,
    }
    return Bundle(est["word"], est["char"], est["clf"], meta, tok)
