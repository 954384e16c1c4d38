"""The screener's classifier as a scikit-learn estimator over raw strings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .._errors import InvalidInputError
from .._models import Label

__all__ = ["WxScreenClassifier"]

_LABEL_VALUES = frozenset(lab.value for lab in Label)
_CALIBRATIONS = ("temperature", "sigmoid", "isotonic")


def _texts(X: Any) -> list[str]:
    if isinstance(X, (str, bytes, bytearray)):
        raise InvalidInputError(
            f"X must be a list (or 1-d array) of messages, got a single {type(X).__name__}; wrap it: [text]"
        )
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise ValueError(f"X must be 1-dimensional (one message per sample), got shape {X.shape}")
    if not isinstance(X, Iterable):
        raise TypeError(f"X must be an iterable of str, got {type(X).__name__}")
    out = list(X)
    bad = next((x for x in out if not isinstance(x, str)), None)
    if bad is not None:
        raise TypeError(f"every sample must be a str message, got {type(bad).__name__}")
    return out


class WxScreenClassifier(ClassifierMixin, BaseEstimator):
    """wxscreen's text classifier as a scikit-learn estimator over raw messages.

    ``fit`` runs the library's own training routine (normalisation, jieba word
    and character n-gram TF-IDF, linear SVM, calibration: the same code as
    :func:`wxscreen.training.train`), so ``cross_val_score``, ``GridSearchCV``
    and ``Pipeline`` evaluate exactly what ships.

    Parameters
    ----------
    C : float, default=0.5
        Inverse regularisation strength of the linear SVM (> 0).
    calibration : {"temperature", "sigmoid", "isotonic"}, default="temperature"
        How decision values become probabilities
        (:class:`~sklearn.calibration.CalibratedClassifierCV` ``method``).
    calibration_cv : int, default=5
        Stratified folds the calibration is fitted on (>= 2); every class
        needs at least this many samples.
    min_df : int, default=2
        Minimum document frequency of a word or character n-gram (>= 1).
    char_max_features : int or None, default=60000
        Cap on the character n-gram vocabulary.
    rules : bool, default=True
        ``predict`` returns the screener's final label: the model's scores
        combined with the flag detectors by the decision policy (LABELS.md
        §2, ``wxscreen._decision``), i.e. what :func:`wxscreen.classify`
        returns. ``False``: the arg-max of :meth:`predict_proba`.
    random_state : int, default=0
        Seed of the SVM and the calibration folds; same data and seed give
        the same model.

    Attributes
    ----------
    classes_ : numpy.ndarray of str, shape (n_classes,)
        Label values seen in ``fit``, sorted; the columns of :meth:`predict_proba`.
    bundle_ : Bundle
        The fitted model; ``wxscreen.Screener(est.bundle_)`` screens with it.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score  # doctest: +SKIP
    >>> cross_val_score(WxScreenClassifier(), texts, labels, cv=3)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        C: float = 0.5,
        calibration: str = "temperature",
        calibration_cv: int = 5,
        min_df: int = 2,
        char_max_features: int | None = 60000,
        rules: bool = True,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.min_df = min_df
        self.char_max_features = char_max_features
        self.rules = rules
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def _check_params(self) -> None:
        if isinstance(self.C, bool) or not isinstance(self.C, (int, float)) or not self.C > 0:
            raise ValueError(f"C must be a positive number, got {self.C!r}")
        if self.calibration not in _CALIBRATIONS:
            raise ValueError(f"calibration must be one of {_CALIBRATIONS}, got {self.calibration!r}")
        if isinstance(self.calibration_cv, bool) or not isinstance(self.calibration_cv, int) or self.calibration_cv < 2:
            raise ValueError(f"calibration_cv must be an int >= 2, got {self.calibration_cv!r}")
        if isinstance(self.min_df, bool) or not isinstance(self.min_df, int) or self.min_df < 1:
            raise ValueError(f"min_df must be an int >= 1, got {self.min_df!r}")
        cmf = self.char_max_features
        if cmf is not None and (isinstance(cmf, bool) or not isinstance(cmf, int) or cmf < 1):
            raise ValueError(f"char_max_features must be None or an int >= 1, got {cmf!r}")
        if isinstance(self.random_state, bool) or not isinstance(self.random_state, (int, np.integer)):
            raise ValueError(f"random_state must be an int, got {self.random_state!r}")

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> WxScreenClassifier:
        """Fit features, SVM and calibration on raw messages.

        Parameters
        ----------
        X : list or 1-d array of str, length n_samples
            Raw messages.
        y : array-like of str, length n_samples
            Label values (``"possible_scam"`` …) or :class:`wxscreen.Label`.
        sample_weight : array-like of float, length n_samples, optional
            Per-message weight in the SVM loss and the calibration (default: all
            1). :func:`wxscreen.training.train` weighs records tagged
            ``hard_negative`` :data:`~wxscreen.training._train.HARD_NEGATIVE_WEIGHT`;
            pass the same weights to fit the same classifier.

        Returns
        -------
        WxScreenClassifier
            ``self``, fitted.

        Raises
        ------
        InvalidInputError
            If ``X`` is a single string.
        TypeError
            If a sample is not a ``str``.
        ValueError
            For a bad parameter, an unknown label, ``len(X) != len(y)``, fewer
            than two classes, a class with fewer than ``calibration_cv``
            samples, or ``sample_weight`` of the wrong length or with a
            negative or non-finite value.
        """
        from ._train import fit_bundle

        self._check_params()
        texts = _texts(X)
        labels = [lab.value if isinstance(lab, Label) else str(lab) for lab in np.asarray(y, dtype=object).ravel()]
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} samples but y has {len(labels)}")
        unknown = sorted(set(labels) - _LABEL_VALUES)
        if unknown:
            raise ValueError(f"unknown labels {unknown}; expected some of {sorted(_LABEL_VALUES)}")
        classes, counts = np.unique(np.asarray(labels, dtype=object), return_counts=True)
        if len(classes) < 2:
            raise ValueError(f"need at least two classes, got {list(classes)}")
        if counts.min() < self.calibration_cv:
            raise ValueError(
                f"every class needs at least calibration_cv={self.calibration_cv} samples; "
                f"{classes[counts.argmin()]!r} has {counts.min()}"
            )
        weights = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=np.float64).ravel()
            if len(weights) != len(texts):
                raise ValueError(f"X has {len(texts)} samples but sample_weight has {len(weights)}")
            if not np.all(np.isfinite(weights)) or weights.min() < 0:
                raise ValueError("sample_weight must be finite and >= 0")
        self.bundle_ = fit_bundle(
            texts,
            labels,
            seed=int(self.random_state),
            sample_weight=None if weights is None else weights.tolist(),
            C=float(self.C),
            calibration=self.calibration,
            calibration_cv=self.calibration_cv,
            min_df=self.min_df,
            char_max_features=self.char_max_features,
        )
        self.classes_ = np.asarray(self.bundle_.classes, dtype=object)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return calibrated probabilities.

        Parameters
        ----------
        X : list or 1-d array of str, length n_samples

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow :attr:`classes_`. The same numbers
            as :attr:`Screening.scores <wxscreen.Screening.scores>` of
            :meth:`Screener.classify_many <wxscreen.Screener.classify_many>`
            with this model: the same features (the invisible-characters
            feature included) and rule R0 (a message with no words, such as
            ``"5000"`` or ``"[图片]"``, is ``other`` with probability 1; when
            ``other`` is not among :attr:`classes_`, such a row keeps the
            model's probabilities).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before :meth:`fit`.
        """
        from .._screener import model_rows, model_view

        check_is_fitted(self, "bundle_")
        texts = _texts(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        norms = [model_view(t) for t in texts]
        live, rows = model_rows(self.bundle_, norms)
        classes = [str(c) for c in self.classes_]
        P = np.zeros((len(texts), len(classes)))
        if Label.OTHER.value in classes:
            P[:, classes.index(Label.OTHER.value)] = 1.0  # R0
        else:  # nothing to put R0's answer in: the model speaks for every row
            live, rows = list(range(len(texts))), self.bundle_.transform(
                [n.text for n in norms], hidden=[n.invisible_in_words for n in norms]
            )
        if live:
            P[live] = self.bundle_.predict_proba(rows)
        return P

    def predict(self, X: Any) -> np.ndarray:
        """Return a label value per message.

        Parameters
        ----------
        X : list or 1-d array of str, length n_samples

        Returns
        -------
        numpy.ndarray of str, shape (n_samples,)
            With ``rules=True`` the screener's final label (which the decision
            policy may raise to a label outside :attr:`classes_`, e.g.
            ``possible_scam`` for an unofficial transfer); otherwise the
            arg-max of :meth:`predict_proba`.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before :meth:`fit`.
        """
        check_is_fitted(self, "bundle_")
        texts = _texts(X)
        if not self.rules:
            if not texts:
                return np.asarray([], dtype=object)
            return np.asarray(self.classes_[self.predict_proba(texts).argmax(axis=1)], dtype=object)
        from .._screener import Screener

        return np.asarray([s.label.value for s in Screener(self.bundle_).classify_many(texts)], dtype=object)
