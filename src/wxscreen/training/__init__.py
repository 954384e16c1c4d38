"""Training and evaluation on labelled corpora (LABELS.md §4)."""

from __future__ import annotations

from ._corpus import CorpusFlag, LabelledMessage, corpus_sha256, load_corpus
from ._evaluate import EvalReport, LabelMetrics, evaluate
from ._train import train

__all__ = [
    "CorpusFlag",
    "EvalReport",
    "LabelMetrics",
    "LabelledMessage",
    "corpus_sha256",
    "evaluate",
    "load_corpus",
    "train",
]
