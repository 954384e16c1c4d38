"""Training and evaluation on labelled corpora (LABELS.md §4).

:class:`WxScreenClassifier` (the scikit-learn estimator) is imported on first
access, so ``import wxscreen.training`` does not import scikit-learn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._corpus import CorpusFlag, LabelledMessage, corpus_sha256, load_corpus
from ._crossval import CVReport, MeanStd, cross_validate, near_duplicate_groups
from ._evaluate import (
    AcceptedRate,
    Calibration,
    ErrorFlag,
    ErrorRecord,
    EvalReport,
    FlagMetrics,
    LabelMetrics,
    ReliabilityBin,
    TagMetrics,
    evaluate,
    reliability,
)
from ._plots import plot_confusion_matrix, plot_reliability, save_plots
from ._train import train

if TYPE_CHECKING:  # pragma: no cover
    from ._estimator import WxScreenClassifier

__all__ = [
    "AcceptedRate",
    "CVReport",
    "Calibration",
    "CorpusFlag",
    "ErrorFlag",
    "ErrorRecord",
    "EvalReport",
    "FlagMetrics",
    "LabelMetrics",
    "LabelledMessage",
    "MeanStd",
    "ReliabilityBin",
    "TagMetrics",
    "WxScreenClassifier",
    "corpus_sha256",
    "cross_validate",
    "evaluate",
    "load_corpus",
    "near_duplicate_groups",
    "plot_confusion_matrix",
    "plot_reliability",
    "reliability",
    "save_plots",
    "train",
]


def __getattr__(name: str) -> Any:
    if name == "WxScreenClassifier":
        from ._estimator import WxScreenClassifier

        return WxScreenClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
