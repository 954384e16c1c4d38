"""Evaluation of a Screener on labelled records (LABELS.md §4) or `expect` rows.

Everything :func:`evaluate` measures lands in one frozen pydantic model,
:class:`EvalReport`, whose JSON schema is published with the package
(``wxscreen/data/schema/eval_report.schema.json``; ``wxscreen eval --schema``).

Definitions (the sources are named where a choice was made):

* label metrics — precision, recall and F1 per label of the FINAL label
  (model plus decision rules, what :func:`wxscreen.classify` returns);
  macro-F1 is the unweighted mean over labels with gold support, weighted-F1
  weights each label's F1 by its support (scikit-learn's ``f1_score``
  ``average="macro"`` / ``"weighted"`` restricted to present labels);
* risky — the binary task "possible_scam or suspicious" against the rest;
* flags — message-level: a kind counts as found when at least one flag of that
  kind was raised; span rates are over gold spans that carry offsets:
  ``exact`` when a predicted flag of the same kind has the same start and end,
  ``overlap`` when it shares at least one character;
* calibration — expected calibration error (ECE) of the top score over 10
  equal-width confidence bins, correct meaning the arg-max of the scores is
  the gold label (Guo et al. 2017, "On calibration of modern neural
  networks", eq. 3). "After" uses the scores the screener reports; "before"
  uses a softmax over the linear SVM's raw decision values for the same
  records, i.e. the probabilities one gets without fitting any calibration;
* ``expect`` rows (the external sets) — a prediction is accepted when its
  label is in the list; rates per ``source_label`` (rows without one under
  ``"(none)"``, :data:`NO_SOURCE_LABEL`) and
  overall (``accepted``).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .._models import LABEL_ORDER, RISKY_LABELS, FlagKind, Screening
from ._corpus import LabelledMessage

__all__ = [
    "NO_SOURCE_LABEL",
    "AcceptedRate",
    "Calibration",
    "ErrorFlag",
    "ErrorRecord",
    "EvalReport",
    "FlagMetrics",
    "LabelMetrics",
    "ReliabilityBin",
    "TagMetrics",
    "evaluate",
    "reliability",
]

FLAG_KINDS: tuple[str, ...] = get_args(FlagKind)
LABELS: tuple[str, ...] = tuple(lab.value for lab in LABEL_ORDER)
ECE_BINS = 10
UNCALIBRATED_METHOD = "softmax of the linear SVM's decision values (no calibration fitted)"
#: The ``accepted_by_source_label`` key of ``expect`` rows without a ``source_label`` (it was
#: ``"all"``, which read as the overall rate and would merge with a real source label "all").
NO_SOURCE_LABEL = "(none)"

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class LabelMetrics(BaseModel):
    """Precision, recall, F1 and support of one label, flag kind or binary task."""

    model_config = _FROZEN

    precision: float = Field(ge=0, le=1)
    recall: float = Field(ge=0, le=1)
    f1: float = Field(ge=0, le=1)
    support: int = Field(ge=0, description="gold positives")
    predicted: int = Field(ge=0, description="predicted positives")


class FlagMetrics(LabelMetrics):
    """Message-level precision / recall of one flag kind, plus its span match rates."""

    spans: int = Field(default=0, ge=0, description="gold spans of this kind that carry offsets")
    span_exact: float | None = Field(default=None, description="share of gold spans matched with the same start/end")
    span_overlap: float | None = Field(
        default=None, description="share of gold spans overlapped by a predicted flag of the same kind"
    )


class ReliabilityBin(BaseModel):
    """One confidence bin of a reliability diagram: (lower, upper]."""

    model_config = _FROZEN

    lower: float
    upper: float
    n: int = Field(ge=0)
    confidence: float | None = Field(default=None, description="mean top score in the bin")
    accuracy: float | None = Field(default=None, description="share of the bin whose top score is the gold label")


class Calibration(BaseModel):
    """ECE and reliability table of one set of scores."""

    model_config = _FROZEN

    ece: float = Field(ge=0, le=1)
    bins: list[ReliabilityBin]


class AcceptedRate(BaseModel):
    """Accepted rate of ``expect`` rows of one ``source_label``."""

    model_config = _FROZEN

    accepted: float = Field(ge=0, le=1)
    n: int = Field(ge=0)


class TagMetrics(BaseModel):
    """Results on the labelled records that carry one ``tags`` value."""

    model_config = _FROZEN

    n: int = Field(ge=0)
    accuracy: float
    macro_f1: float = Field(description="over the labels with gold support in this subset")
    risky_recall: float | None = Field(default=None, description="None when no record of the tag is risky")
    false_risky: float | None = Field(
        default=None, description="share of the non-risky records predicted risky (None when all are risky)"
    )
    any_flag: float = Field(description="share of records with at least one predicted flag")


class ErrorFlag(BaseModel):
    """One flag predicted on a misclassified record, its evidence masked."""

    model_config = _FROZEN

    kind: str
    detail: str
    start: int = Field(ge=0, description="offset of the evidence in the record's text (characters)")
    end: int = Field(ge=0)
    evidence: str = Field(description="text[start:end] with identifiers masked")


class ErrorRecord(BaseModel):
    """One misclassified record, identifiers masked."""

    model_config = _FROZEN

    id: str
    gold: str = Field(description="gold label, or the accepted labels joined by '|' for expect rows")
    predicted: str
    confidence: float = Field(description="score of the predicted label")
    scores: dict[str, float]
    flags: list[ErrorFlag] = Field(description="predicted flags: kind, detail, span and masked evidence")
    reasons: list[str]
    text: str = Field(
        description="the message with identifiers masked, cut at MAX_MESSAGE_CHARS as classify() screened it"
    )
    truncated: bool = Field(
        default=False, description="the record was longer than MAX_MESSAGE_CHARS: text holds what was screened"
    )
    source_label: str | None = None
    tags: list[str] = Field(default_factory=list)


class EvalReport(BaseModel):
    """Results of :func:`evaluate` on one set of records.

    Label, flag, calibration and tag fields are filled from records with a
    ``label``; ``accepted*`` from records with an ``expect`` list. See the
    module docstring for the definitions.
    """

    model_config = _FROZEN

    format: Literal["wxscreen-eval-report/1"] = "wxscreen-eval-report/1"
    source: str | None = Field(default=None, description="the evaluated file, as given")
    model_id: str | None = None
    n: int = Field(ge=0)
    labelled: int = 0
    accuracy: float | None = None
    macro_f1: float | None = None
    weighted_f1: float | None = None
    labels: list[str] = Field(default_factory=lambda: list(LABELS), description="row/column order of confusion")
    per_label: dict[str, LabelMetrics] = Field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict, description="gold -> predicted -> count")
    per_flag: dict[str, FlagMetrics] = Field(default_factory=dict)
    span_exact: float | None = Field(default=None, description="over all gold spans with offsets")
    span_overlap: float | None = Field(default=None, description="over all gold spans with offsets")
    hard_negatives: int = 0
    hard_negatives_flagged: int = 0
    risky: LabelMetrics | None = Field(default=None, description="possible_scam or suspicious vs the rest")
    risky_precision: float | None = Field(default=None, description="= risky.precision")
    risky_recall: float | None = Field(default=None, description="= risky.recall")
    ece: float | None = Field(default=None, description="= calibration.ece: ECE of the reported scores, 10 bins")
    ece_uncalibrated: float | None = Field(default=None, description="= calibration_uncalibrated.ece")
    calibration: Calibration | None = Field(default=None, description="reported (calibrated) scores")
    calibration_uncalibrated: Calibration | None = Field(default=None, description=UNCALIBRATED_METHOD)
    per_tag: dict[str, TagMetrics] = Field(default_factory=dict)
    accepted: float | None = None
    accepted_by_source_label: dict[str, AcceptedRate] = Field(
        default_factory=dict,
        description="accepted rate per source_label; expect rows without one are under '(none)'",
    )
    n_errors: int = Field(default=0, description="misclassified records (all of them are in errors)")
    errors: list[ErrorRecord] = Field(
        default_factory=list,
        description="misclassified records, most confident first; the CLI writes them to errors.jsonl instead",
    )

    def to_text(self) -> str:
        """Return the report as plain-text tables (``wxscreen eval --format text``)."""
        from ._report import report_text

        return report_text(self)

    def to_markdown(self) -> str:
        """Return the report as Markdown tables (``wxscreen eval --format md``)."""
        from ._report import report_markdown

        return report_markdown(self)


def _prf(tp: int, fp: int, fn: int) -> LabelMetrics:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return LabelMetrics(precision=round(p, 4), recall=round(r, 4), f1=round(f, 4), support=tp + fn, predicted=tp + fp)


def reliability(confidence: Sequence[float], correct: Sequence[bool | int], bins: int = ECE_BINS) -> Calibration:
    """Return the ECE and reliability table of top-label confidences.

    Parameters
    ----------
    confidence : sequence of float in [0, 1], length n
        The top score of each prediction.
    correct : sequence of bool, length n
        Whether that top-scored label is the gold label.
    bins : int, default=10
        Equal-width bins over [0, 1]; bin b holds confidences in
        (b/bins, (b+1)/bins], the first bin also holds 0.

    Returns
    -------
    Calibration
        ``ece`` = sum over bins of (bin size / n) * |mean confidence - accuracy|
        (Guo et al. 2017, eq. 3); 0 when ``n`` is 0.

    Raises
    ------
    ValueError
        If the two sequences differ in length.

    Examples
    --------
    >>> reliability([0.9, 0.9, 0.6, 0.6], [1, 1, 1, 0]).ece
    0.1
    """
    if len(confidence) != len(correct):
        raise ValueError(f"confidence has {len(confidence)} values, correct {len(correct)}")
    conf = np.asarray(confidence, dtype=np.float64)
    ok = np.asarray(correct, dtype=np.float64)
    idx = np.searchsorted(np.arange(1, bins) / bins, conf, side="left")  # (lo, hi] bins
    total = len(conf)
    err = 0.0
    out = []
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        if n:
            c, a = float(conf[sel].mean()), float(ok[sel].mean())
            err += n / total * abs(c - a)
            out.append(
                ReliabilityBin(lower=b / bins, upper=(b + 1) / bins, n=n, confidence=round(c, 4), accuracy=round(a, 4))
            )
        else:
            out.append(ReliabilityBin(lower=b / bins, upper=(b + 1) / bins, n=0))
    return Calibration(ece=round(err, 4), bins=out)


def _macro_weighted(gold: list[str], pred: list[str]) -> tuple[float, float, dict[str, LabelMetrics]]:
    per = {}
    for lab in LABELS:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred, strict=True))
        per[lab] = _prf(tp, fp, fn)
    present = [m for m in per.values() if m.support]
    macro = sum(m.f1 for m in present) / len(present) if present else 0.0
    total = sum(m.support for m in present)
    weighted = sum(m.f1 * m.support for m in present) / total if total else 0.0
    return round(macro, 4), round(weighted, 4), per


def _uncalibrated_top(screener: Any, texts: list[str], gold: list[str]) -> tuple[list[float], list[bool]] | None:
    """Top softmax(decision value) and its correctness, or None if the screener has no linear model.

    Each text is read as :meth:`Screener.classify_many` reads it (:func:`model_view`: cut at
    ``MAX_MESSAGE_CHARS``), so a huge record costs what it costs to screen.
    """
    bundle = getattr(screener, "bundle", None)
    if bundle is None or not hasattr(bundle, "decision_function") or not texts:
        return None
    from .._screener import model_view

    D = bundle.decision_function(bundle.transform([model_view(t).text for t in texts]))
    Z = np.exp(D - D.max(axis=1, keepdims=True))
    P = Z / Z.sum(axis=1, keepdims=True)
    classes = list(bundle.classes)
    top = P.argmax(axis=1)
    return [float(P[i, j]) for i, j in enumerate(top)], [classes[j] == g for j, g in zip(top, gold, strict=True)]


def evaluate(
    screener: Any,
    records: Sequence[LabelledMessage],
    *,
    batch_size: int = 512,
    source: str | None = None,
    progress: bool = False,
) -> EvalReport:
    """Screen ``records`` and compare with their gold labels / expect lists.

    Parameters
    ----------
    screener : Screener
        The screener to evaluate.
    records : sequence of LabelledMessage
        Records with ``label`` and ``flags``, or rows with ``expect``.
    batch_size : int, default=512
        Messages per ``classify_many`` call.
    source : str, optional
        Name of the evaluated file, stored in the report.
    progress : bool, default=False
        Show a tqdm progress bar on stderr (the CLI turns it on for large
        files when stderr is a terminal).

    Returns
    -------
    EvalReport

    Examples
    --------
    >>> import wxscreen
    >>> from wxscreen.training import LabelledMessage
    >>> recs = [LabelledMessage(id="1", text="请把验证码发给我", label="possible_scam")]
    >>> evaluate(wxscreen.load_screener(), recs).accuracy
    1.0
    """
    preds: list[Screening] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(records), unit="msg", file=sys.stderr, leave=False, desc=source or "eval")
    try:
        for i in range(0, len(records), batch_size):
            chunk = records[i : i + batch_size]
            preds.extend(screener.classify_many([r.text for r in chunk]))
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
    return _report(screener, records, preds, source)


def _report(
    screener: Any, records: Sequence[LabelledMessage], preds: list[Screening], source: str | None
) -> EvalReport:
    conf: dict[str, dict[str, int]] = {g: {p: 0 for p in LABELS} for g in LABELS}
    flag_tp: Counter[str] = Counter()
    flag_fp: Counter[str] = Counter()
    flag_fn: Counter[str] = Counter()
    spans: Counter[str] = Counter()
    exact: Counter[str] = Counter()
    overlap: Counter[str] = Counter()
    hard = hard_flagged = 0
    acc_by: dict[str, list[int]] = defaultdict(list)
    errors: list[tuple[float, int, ErrorRecord]] = []
    gold_l: list[str] = []
    pred_l: list[str] = []
    top_conf: list[float] = []
    top_ok: list[bool] = []
    lab_texts: list[str] = []
    by_tag: dict[str, list[int]] = defaultdict(list)
    for idx, (r, s) in enumerate(zip(records, preds, strict=True)):
        pred = s.label.value
        if r.label is not None:
            gold = r.label.value
            conf[gold][pred] += 1
            for t in r.tags:
                by_tag[t].append(len(gold_l))
            gold_l.append(gold)
            pred_l.append(pred)
            lab_texts.append(r.text)
            top = max(s.scores, key=lambda k: s.scores[k])
            top_conf.append(s.scores[top])
            top_ok.append(top == gold)
            gold_kinds = {f.kind for f in r.flags}
            pred_kinds = {f.kind for f in s.flags}
            for k in FLAG_KINDS:
                flag_tp[k] += k in gold_kinds and k in pred_kinds
                flag_fp[k] += k not in gold_kinds and k in pred_kinds
                flag_fn[k] += k in gold_kinds and k not in pred_kinds
            for f in r.flags:
                if f.start is None or f.end is None:
                    continue
                spans[f.kind] += 1
                same = [p for p in s.flags if p.kind == f.kind]
                exact[f.kind] += any(p.start == f.start and p.end == f.end for p in same)
                overlap[f.kind] += any(p.start < f.end and f.start < p.end for p in same)
            if "hard_negative" in r.tags:
                hard += 1
                hard_flagged += bool(s.flags)
            if gold != pred:
                errors.append((-s.scores[pred], idx, _error(r, s, gold)))
        if r.expect:
            ok = s.label in r.expect
            acc_by[r.source_label or NO_SOURCE_LABEL].append(int(ok))
            if not ok and r.label is None:
                errors.append((-s.scores[pred], idx, _error(r, s, "|".join(e.value for e in r.expect))))
    labelled = len(gold_l)
    meta = getattr(getattr(screener, "bundle", None), "metadata", None) or {}
    out: dict[str, Any] = {
        "source": source,
        "model_id": meta.get("model_id"),
        "n": len(records),
        "labelled": labelled,
        "confusion": conf if labelled else {},
    }
    if labelled:
        macro, weighted, per = _macro_weighted(gold_l, pred_l)
        out["per_label"] = per
        out["accuracy"] = round(sum(conf[x][x] for x in LABELS) / labelled, 4)
        out["macro_f1"], out["weighted_f1"] = macro, weighted
        out["per_flag"] = {
            k: FlagMetrics(
                **_prf(flag_tp[k], flag_fp[k], flag_fn[k]).model_dump(),
                spans=spans[k],
                span_exact=round(exact[k] / spans[k], 4) if spans[k] else None,
                span_overlap=round(overlap[k] / spans[k], 4) if spans[k] else None,
            )
            for k in FLAG_KINDS
        }
        n_spans = sum(spans.values())
        out["span_exact"] = round(sum(exact.values()) / n_spans, 4) if n_spans else None
        out["span_overlap"] = round(sum(overlap.values()) / n_spans, 4) if n_spans else None
        out["hard_negatives"] = hard
        out["hard_negatives_flagged"] = hard_flagged
        risky_values = {lab.value for lab in RISKY_LABELS}
        gr = [g in risky_values for g in gold_l]
        pr = [p in risky_values for p in pred_l]
        rp = _prf(
            sum(a and b for a, b in zip(gr, pr, strict=True)),
            sum(b and not a for a, b in zip(gr, pr, strict=True)),
            sum(a and not b for a, b in zip(gr, pr, strict=True)),
        )
        out["risky"], out["risky_precision"], out["risky_recall"] = rp, rp.precision, rp.recall
        cal = reliability(top_conf, top_ok)
        out["calibration"], out["ece"] = cal, cal.ece
        unc = _uncalibrated_top(screener, lab_texts, gold_l)
        if unc is not None:
            cal_u = reliability(*unc)
            out["calibration_uncalibrated"], out["ece_uncalibrated"] = cal_u, cal_u.ece
        flagged = [bool(s.flags) for r, s in zip(records, preds, strict=True) if r.label is not None]
        out["per_tag"] = {t: _tag_metrics(ix, gold_l, pred_l, flagged) for t, ix in sorted(by_tag.items())}
    if acc_by:
        allv = [v for vs in acc_by.values() for v in vs]
        out["accepted"] = round(sum(allv) / len(allv), 4)
        out["accepted_by_source_label"] = {
            k: AcceptedRate(accepted=round(sum(v) / len(v), 4), n=len(v)) for k, v in sorted(acc_by.items())
        }
    errors.sort(key=lambda e: (e[0], e[1]))
    out["errors"] = [e for _, _, e in errors]
    out["n_errors"] = len(errors)
    return EvalReport(**out)


def _tag_metrics(ix: list[int], gold: list[str], pred: list[str], flagged: list[bool]) -> TagMetrics:
    risky_values = {lab.value for lab in RISKY_LABELS}
    g = [gold[i] for i in ix]
    p = [pred[i] for i in ix]
    macro, _, _ = _macro_weighted(g, p)
    pos = [i for i in range(len(g)) if g[i] in risky_values]
    neg = [i for i in range(len(g)) if g[i] not in risky_values]
    return TagMetrics(
        n=len(ix),
        accuracy=round(sum(a == b for a, b in zip(g, p, strict=True)) / len(ix), 4),
        macro_f1=macro,
        risky_recall=round(sum(p[i] in risky_values for i in pos) / len(pos), 4) if pos else None,
        false_risky=round(sum(p[i] in risky_values for i in neg) / len(neg), 4) if neg else None,
        any_flag=round(sum(flagged[i] for i in ix) / len(ix), 4),
    )


def _error(r: LabelledMessage, s: Screening, gold: str) -> ErrorRecord:
    """The error row of ``r``: its text cut where classify() cut it (``MAX_MESSAGE_CHARS``), then masked."""
    from .._mask import mask_identifiers
    from .._screener import MAX_MESSAGE_CHARS

    cut = len(r.text) > MAX_MESSAGE_CHARS
    return ErrorRecord(
        id=r.id,
        gold=gold,
        predicted=s.label.value,
        confidence=round(s.scores[s.label.value], 4),
        scores={k: round(v, 4) for k, v in s.scores.items()},
        flags=[
            ErrorFlag(kind=f.kind, detail=f.detail, start=f.start, end=f.end, evidence=mask_identifiers(f.evidence))
            for f in s.flags
        ],
        reasons=[mask_identifiers(x) for x in s.reasons],
        text=mask_identifiers(r.text[:MAX_MESSAGE_CHARS] if cut else r.text),
        truncated=cut,
        source_label=r.source_label,
        tags=list(r.tags),
    )
