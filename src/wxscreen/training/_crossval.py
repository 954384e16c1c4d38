"""Stratified k-fold cross-validation of the whole screener on a labelled corpus."""

from __future__ import annotations

import statistics
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ._corpus import LabelledMessage
from ._evaluate import LABELS, EvalReport, evaluate
from ._train import train

__all__ = ["CVReport", "MeanStd", "cross_validate", "near_duplicate_groups"]

#: Records sharing a run of this many letters/digits are near-duplicates; the
#: same rule ``scripts/build_corpus.py`` uses to keep them on one side of the split.
SHINGLE = 15


class MeanStd(BaseModel):
    """Mean and standard deviation of one metric over the folds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mean: float
    std: float = Field(description="population standard deviation (ddof=0) over the folds")
    values: list[float] = Field(description="one value per fold, in fold order")


class CVReport(BaseModel):
    """Results of :func:`cross_validate`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["wxscreen-cv-report/1"] = "wxscreen-cv-report/1"
    source: str | None = None
    k: int = Field(ge=2)
    seed: int
    n: int = Field(ge=0)
    grouped: bool = Field(description="near-duplicate groups kept inside one fold")
    metrics: dict[str, MeanStd] = Field(
        description="accuracy, macro_f1, weighted_f1, risky_precision, risky_recall, ece, ece_uncalibrated, f1:<label>"
    )
    folds: list[EvalReport] = Field(description="per-fold reports, without their error lists")

    def to_text(self) -> str:
        """Return the report as plain text (``wxscreen eval --cv K --format text``)."""
        from ._report import cv_text

        return cv_text(self)

    def to_markdown(self) -> str:
        """Return the report as a Markdown table."""
        from ._report import cv_markdown

        return cv_markdown(self)


def _squash(text: str) -> str:
    """The letters and digits of ``text`` as the screener reads it (:func:`~wxscreen._normalize.normalize`)."""
    from .._normalize import normalize

    text = normalize(text).text
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def _augmented_links(records: Sequence[LabelledMessage]) -> list[tuple[int, int]]:
    """Index pairs (copy, source) for records whose ``source`` is ``augmented:<id>`` of a record present."""
    where = {r.id: i for i, r in enumerate(records)}
    out = []
    for i, r in enumerate(records):
        src = r.source or ""
        if src.startswith("augmented:") and (j := where.get(src.removeprefix("augmented:").strip())) is not None:
            out.append((i, j))
    return out


def near_duplicate_groups(
    texts: Sequence[str], run: int = SHINGLE, *, links: Iterable[tuple[int, int]] = ()
) -> list[int]:
    """Group texts that share a run of ``run`` letters or digits (connected components).

    Texts are compared as the screener reads them — NFKC, Traditional →
    Simplified, invisible characters removed, ASCII lower-cased, variant
    spellings mapped (:func:`wxscreen.normalize`) — so a copy in Traditional
    script or with zero-width characters is a near-duplicate of its original.

    Parameters
    ----------
    texts : sequence of str, length n
    run : int, default=15
        Shingle length, in letters and digits of the normalised text
        (punctuation, spaces and symbols dropped). ``scripts/build_corpus.py``
        uses the same length on NFKC text only.
    links : iterable of (int, int), optional
        Index pairs always put in one group, whatever their texts (e.g. an
        augmented copy and its source record, LABELS.md §4).

    Returns
    -------
    list of int, length n
        A group id per text: the index of the group's first text.

    Examples
    --------
    >>> near_duplicate_groups(["一二三四五六七八九十甲乙丙丁戊己", "x一二三四五六七八九十甲乙丙丁戊", "别的"])
    [0, 0, 2]
    >>> near_duplicate_groups(["一二三四五六七八九十甲乙丙丁戊己", "別的"], links=[(1, 0)])
    [0, 0]
    """
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, int] = {}
    for i, t in enumerate(texts):
        s = _squash(t)
        for k in range(len(s) - run + 1):
            sh = s[k : k + run]
            j = owner.setdefault(sh, i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    for i, j in links:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(texts))]


def cross_validate(
    records: Sequence[LabelledMessage],
    *,
    k: int = 5,
    seed: int = 0,
    group_near_duplicates: bool = True,
    source: str | None = None,
    progress: bool = False,
) -> CVReport:
    """Train and evaluate the screener on ``k`` stratified folds of ``records``.

    Each fold trains a model with :func:`~wxscreen.training.train` (same
    features, same seed) on the other folds and evaluates the full screener
    (model, detectors, decision rules) on it with
    :func:`~wxscreen.training.evaluate`.

    Parameters
    ----------
    records : sequence of LabelledMessage
        Labelled records, normally the corpus's train split.
    k : int, default=5
        Number of folds (>= 2).
    seed : int, default=0
        Seed of the fold assignment and of every fold's model.
    group_near_duplicates : bool, default=True
        Keep records sharing a 15-character run of their normalised text
        (:func:`near_duplicate_groups`), and every ``augmented:<id>`` copy with
        record ``<id>`` (LABELS.md §4), in one fold
        (:class:`~sklearn.model_selection.StratifiedGroupKFold`), as the
        train/test split does; otherwise plain
        :class:`~sklearn.model_selection.StratifiedKFold`.
    source : str, optional
        Name stored in the report.
    progress : bool, default=False
        Show a tqdm bar over the folds on stderr.

    Returns
    -------
    CVReport

    Raises
    ------
    ValueError
        If ``k`` < 2, ``records`` is empty, a record has no ``label``, or a
        label has fewer than ``k`` records.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    from .._screener import Screener

    if k < 2:
        raise ValueError(f"cross-validation needs k >= 2 folds, got {k}")
    if not records:
        raise ValueError("no records to cross-validate")
    if any(r.label is None for r in records):
        raise ValueError("cross-validation needs records with a 'label' (expect rows cannot be trained on)")
    y = [r.label.value for r in records if r.label is not None]
    small = {lab: y.count(lab) for lab in set(y) if y.count(lab) < k}
    if small:
        raise ValueError(f"every label needs at least k={k} records; too few: {small}")
    if group_near_duplicates:
        groups = near_duplicate_groups([r.text for r in records], links=_augmented_links(records))
        splits = list(StratifiedGroupKFold(k, shuffle=True, random_state=seed).split(y, y, groups))
    else:
        splits = list(StratifiedKFold(k, shuffle=True, random_state=seed).split(y, y))
    folds: list[EvalReport] = []
    it = range(k)
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, unit="fold", file=sys.stderr, leave=False, desc="cv")
    for i in it:
        tr, te = splits[i]
        screener = Screener(train([records[j] for j in tr], seed=seed))
        rep = evaluate(screener, [records[j] for j in te], source=f"fold {i + 1}/{k}")
        folds.append(rep.model_copy(update={"errors": []}))
    values: dict[str, list[float]] = {}
    for rep in folds:
        row: dict[str, float | None] = {
            "accuracy": rep.accuracy,
            "macro_f1": rep.macro_f1,
            "weighted_f1": rep.weighted_f1,
            "risky_precision": rep.risky_precision,
            "risky_recall": rep.risky_recall,
            "ece": rep.ece,
            "ece_uncalibrated": rep.ece_uncalibrated,
        }
        for lab in LABELS:
            m = rep.per_label.get(lab)
            row[f"f1:{lab}"] = m.f1 if m is not None and m.support else None
        for name, v in row.items():
            if v is not None:
                values.setdefault(name, []).append(float(v))
    metrics = {
        name: MeanStd(mean=round(statistics.fmean(v), 4), std=round(statistics.pstdev(v), 4), values=v)
        for name, v in values.items()
    }
    return CVReport(
        source=source, k=k, seed=seed, n=len(records), grouped=group_near_duplicates, metrics=metrics, folds=folds
    )
