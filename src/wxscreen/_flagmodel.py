"""Learned sentence-level flagger: a second opinion beside the pattern detectors.

The declarative detectors (``detectors/``) are precise on wordings they know
and blind to new ones. This module learns the same seven flag kinds from the
annotated spans of the training corpus, one sentence at a time:

* a message is cut into sentences (runs ending in 。！？!?；; or a line break) of
  its *normalised* text, so obfuscation is already undone;
* a sentence is positive for a kind when it overlaps a gold evidence span of
  that kind;
* features are character 1- to 3-gram TF-IDF of the sentence (stock
  scikit-learn, saved with skops like the label model);
* one logistic regression per kind gives P(kind | sentence); a second one per
  kind predicts the ``detail`` from the sentences that carry the kind.

At inference the screener adds a learned flag for a kind only when no pattern
of that kind fired in the message, P(kind | sentence) reaches the kind's
threshold and the label model's P(possible_scam) + P(suspicious) reaches the
kind's risky gate (both stored in the model metadata, chosen on out-of-fold
predictions, see ``training`` and ``benchmarks/flag_cv.py``); its evidence is the whole sentence and its rule id is
``learned:<kind>``.

Inference normally runs on a numpy twin of the fitted estimators
(``_linear.LinearFlagModel``, cached per user by ``_persist``): the same
probabilities and details, bit for bit, without importing scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import regex

__all__ = ["FLAG_KINDS", "Prediction", "SentenceFlagger", "sentences"]

FLAG_KINDS: tuple[str, ...] = (
    "personal_data_request",
    "unofficial_transfer",
    "threat",
    "impersonation",
    "off_platform",
    "advance_fee",
    "borrow_to_repay",
)

_SENTENCE = regex.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_TRIM = "。！？!?；;，,、 \t\r\n"
#: Default P(kind | sentence) a learned flag needs when the metadata gives none.
DEFAULT_THRESHOLD = 0.7


def sentences(text: str) -> list[tuple[int, int]]:
    """Return the sentence spans of ``text`` (trailing punctuation trimmed).

    Parameters
    ----------
    text : str
        Normalised text.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` character offsets into ``text``; sentences holding no
        letter, digit or Han character are skipped.

    Examples
    --------
    >>> sentences("验证码发我。谢谢！")
    [(0, 5), (6, 8)]
    """
    out = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while e > s and text[e - 1] in _TRIM:
            e -= 1
        while s < e and text[s] in _TRIM:
            s += 1
        if e > s and any(ch.isalnum() for ch in text[s:e]):
            out.append((s, e))
    return out


@dataclass
class SentenceFlagger:
    """Per-kind logistic regressions over character n-grams of sentences.

    Attributes
    ----------
    vec : TfidfVectorizer
        Character 1–3-gram TF-IDF, fitted on training sentences.
    kind_clf : dict of str to LogisticRegression
        Binary P(kind | sentence) per flag kind.
    detail_clf : dict of str to LogisticRegression or str
        The detail predictor per kind, or the only detail seen in training.
    thresholds : dict of str to float
        Minimum P(kind | sentence) for a learned flag, per kind.
    gates : dict of str to float
        A pattern hit of a kind is dropped when every sentence it overlaps has
        P(kind | sentence) below the kind's gate (0 or absent: never dropped).
    risky_gates : dict of str to float
        A learned flag of a kind is raised only when the label model gives the
        two risky labels (possible_scam + suspicious) together at least the
        kind's risky gate (0 or absent: always). It keeps learned flags off
        reports, quotes and the lender's own instructions that merely share
        words with a request (对方说要我转到监管账户，我挂了).
    """

    vec: Any
    kind_clf: dict[str, Any]
    detail_clf: dict[str, Any]
    thresholds: dict[str, float] = field(default_factory=dict)
    gates: dict[str, float] = field(default_factory=dict)
    risky_gates: dict[str, float] = field(default_factory=dict)
    #: numpy twin of vec/kind_clf/detail_clf (``_linear.LinearFlagModel``): when set,
    #: prediction never touches scikit-learn (and the three may be unloaded: None / {})
    twin: Any = field(default=None, repr=False)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[str, str, int, int]]],
        *,
        seed: int = 0,
        ngram_max: int = 3,
        C: float = 10.0,
        class_weight: str | None = None,
        min_df: int = 2,
        details: bool = True,
    ) -> SentenceFlagger:
        """Fit from normalised texts and their gold flag spans.

        Parameters
        ----------
        texts : sequence of str, length n_messages
            Normalised message texts.
        spans : sequence of sequence of (kind, detail, start, end)
            Gold flags per message, offsets into the normalised text.
        seed : int, default=0
            Random state of the solvers (they are deterministic; kept for form).
        ngram_max : int, default=3
            Longest character n-gram (the shortest is 1).
        C : float, default=10.0
            Inverse regularisation strength of the per-kind models (the detail
            models keep C=10).
        class_weight : {None, "balanced"}, default=None
            Class weights of the per-kind P(kind | sentence) models (the detail
            models are never weighted).
        min_df : int, default=2
            Minimum number of training sentences an n-gram must occur in.
        details : bool, default=True
            Fit the detail models too; False leaves ``detail_clf`` empty (for
            cross-validation of the kind models only: such a flagger cannot
            get a numpy twin and predicts no hits).

        Returns
        -------
        SentenceFlagger
        """
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        units: list[str] = []
        gold: list[dict[str, str]] = []
        for text, flags in zip(texts, spans, strict=True):
            for s, e in sentences(text):
                units.append(text[s:e])
                hit: dict[str, str] = {}
                for kind, detail, fs, fe in flags:
                    if fs < e and fe > s and kind not in hit:
                        hit[kind] = detail
                gold.append(hit)
        vec = TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, ngram_max),
            min_df=min_df,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        )
        X = vec.fit_transform(units)
        kind_clf: dict[str, Any] = {}
        detail_clf: dict[str, Any] = {}
        for kind in FLAG_KINDS:
            y = np.array([kind in g for g in gold])
            if y.sum() < 2 or y.all():
                continue
            kind_clf[kind] = LogisticRegression(
                C=C, class_weight=class_weight, max_iter=3000, random_state=seed
            ).fit(X, y)
            if not details:
                continue
            rows = np.flatnonzero(y)
            seen = [gold[i][kind] for i in rows]
            if len(set(seen)) == 1:
                detail_clf[kind] = seen[0]
            else:
                detail_clf[kind] = LogisticRegression(C=10.0, max_iter=3000, random_state=seed).fit(X[rows], seen)
        for vec_attr in ("stop_words_",):
            if hasattr(vec, vec_attr):
                delattr(vec, vec_attr)
        vec.vocabulary_ = {str(k): int(v) for k, v in vec.vocabulary_.items()}
        return cls(vec, kind_clf, detail_clf)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Score every sentence of a batch of normalised texts: one transform, one product.

        With :attr:`twin` set the numpy twin scores every kind and detail at
        once; otherwise each kind's scikit-learn model predicts in turn (same
        values).

        Parameters
        ----------
        texts : sequence of str, length n_messages
            Normalised message texts.

        Returns
        -------
        list of Prediction
            Per message: every sentence with P(kind | sentence) for each kind,
            and the learned hits — the sentences whose probability reaches the
            kind's threshold, with a predicted detail.
        """
        owner: list[int] = []
        spans: list[tuple[int, int]] = []
        units: list[str] = []
        for i, text in enumerate(texts):
            for s, e in sentences(text):
                owner.append(i)
                spans.append((s, e))
                units.append(text[s:e])
        out = [Prediction() for _ in texts]
        if not units:
            return out
        if self.twin is not None:
            # one transform and one product for every kind and detail model (``_linear``)
            P, D = self.twin.predict(units)
            probs = {kind: P[:, j] for j, kind in enumerate(self.twin.kinds)}
        else:
            X = self.vec.transform(units)
            probs = {kind: clf.predict_proba(X)[:, 1] for kind, clf in self.kind_clf.items()}
        kinds = list(probs)
        # one conversion to Python floats (the same values as float(p[r]) one by one)
        table = np.stack([probs[k] for k in kinds], axis=1).tolist() if kinds else [[] for _ in spans]
        for r, (s, e) in enumerate(spans):
            out[owner[r]].sentences.append((s, e, dict(zip(kinds, table[r], strict=True))))
        for kind, p in probs.items():
            rows = np.flatnonzero(p >= self.thresholds.get(kind, DEFAULT_THRESHOLD))
            if rows.size == 0:
                continue
            if self.twin is not None:
                details = self.twin.details(kind, D[rows])
            elif isinstance(det := self.detail_clf[kind], str):
                details = [det] * rows.size
            else:
                details = [str(d) for d in det.predict(X[rows])]
            for r, d in zip(rows.tolist(), details, strict=True):
                a, b = spans[r]
                out[owner[r]].hits.append((kind, d, a, b, float(p[r])))
        return out

    def support(self, pred: Prediction, kind: str, start: int, end: int) -> float | None:
        """Highest P(kind | sentence) over the sentences overlapping ``[start, end)``.

        Parameters
        ----------
        pred : Prediction
            This message's prediction.
        kind : str
        start, end : int
            A span in the normalised text (e.g. a pattern hit).

        Returns
        -------
        float or None
            ``None`` when the flagger has no model for ``kind`` or no sentence overlaps.
        """
        ps = [p[kind] for s, e, p in pred.sentences if s < end and e > start and kind in p]
        return max(ps) if ps else None


@dataclass
class Prediction:
    """The flagger's output for one message (offsets into the normalised text).

    Attributes
    ----------
    sentences : list of (int, int, dict of str to float)
        Every sentence span with P(kind | sentence) per kind.
    hits : list of (kind, detail, start, end, probability)
        Sentences at or above their kind's threshold.
    """

    sentences: list[tuple[int, int, dict[str, float]]] = field(default_factory=list)
    hits: list[tuple[str, str, int, int, float]] = field(default_factory=list)
