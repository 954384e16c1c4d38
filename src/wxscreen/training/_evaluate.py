"""Evaluation of a Screener on labelled records (LABELS.md §4) or `expect` rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._models import LABEL_ORDER, RISKY_LABELS, Screening
from ._corpus import LabelledMessage

__all__ = ["EvalReport", "LabelMetrics", "evaluate"]

FLAG_KINDS = (
    "personal_data_request",
    "unofficial_transfer",
    "threat",
    "impersonation",
    "off_platform",
    "advance_fee",
    "borrow_to_repay",
)


class LabelMetrics(BaseModel):
    """Precision, recall, F1 and support of one label or flag kind."""

    model_config = ConfigDict(frozen=True)

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


def _prf(tp: int, fp: int, fn: int) -> LabelMetrics:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return LabelMetrics(precision=round(p, 4), recall=round(r, 4), f1=round(f, 4), support=tp + fn, predicted=tp + fp)


class EvalReport(BaseModel):
    """Results of :func:`evaluate`.

    Label metrics are filled for records with ``label``; ``accepted`` rates for
    records with ``expect`` (a prediction is accepted when it is in the list).
    Flag metrics are message-level: a kind counts as found when the screener
    raised at least one flag of that kind; ``span_exact`` is the share of gold
    spans matched exactly by a predicted flag of the same kind.
    """

    model_config = ConfigDict(frozen=True)

    n: int
    labelled: int = 0
    accuracy: float | None = None
    macro_f1: float | None = None
    per_label: dict[str, LabelMetrics] = Field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict, description="gold -> predicted -> count")
    per_flag: dict[str, LabelMetrics] = Field(default_factory=dict)
    span_exact: float | None = None
    hard_negatives: int = 0
    hard_negatives_flagged: int = 0
    ece: float | None = Field(
        default=None, description="expected calibration error of the top score, 10 equal-width bins (Guo et al. 2017)"
    )
    risky_precision: float | None = None
    risky_recall: float | None = None
    accepted: float | None = None
    accepted_by_source_label: dict[str, dict[str, float]] = Field(default_factory=dict)
    errors: list[dict[str, Any]] = Field(default_factory=list, description="misclassified records (first 200)")


def evaluate(screener: Any, records: Sequence[LabelledMessage], *, batch_size: int = 512) -> EvalReport:
    """Screen ``records`` and compare with their gold labels / expect lists.

    Parameters
    ----------
    screener : Screener
        The screener to evaluate.
    records : sequence of LabelledMessage
        Records with ``label`` and ``flags``, or rows with ``expect``.
    batch_size : int, default=512
        Messages per ``classify_many`` call.

    Returns
    -------
    EvalReport
    """
    preds: list[Screening] = []
    for i in range(0, len(records), batch_size):
        preds.extend(screener.classify_many([r.text for r in records[i : i + batch_size]]))
    labels = [lab.value for lab in LABEL_ORDER]
    conf: dict[str, dict[str, int]] = {g: {p: 0 for p in labels} for g in labels}
    flag_tp: Counter[str] = Counter()
    flag_fp: Counter[str] = Counter()
    flag_fn: Counter[str] = Counter()
    spans_gold = spans_hit = 0
    hard = hard_flagged = 0
    acc_by: dict[str, list[int]] = defaultdict(list)
    errors: list[dict[str, Any]] = []
    labelled = 0
    risky_tp = risky_fp = risky_fn = 0
    conf_hits: list[tuple[float, int]] = []
    for r, s in zip(records, preds, strict=False):
        pred = s.label.value
        if r.label is not None:
            labelled += 1
            gold = r.label.value
            conf[gold][pred] += 1
            top = max(s.scores, key=lambda k: s.scores[k])
            conf_hits.append((s.scores[top], int(top == gold)))
            gr, pr = r.label in RISKY_LABELS, s.label in RISKY_LABELS
            risky_tp += gr and pr
            risky_fp += (not gr) and pr
            risky_fn += gr and not pr
            gold_kinds = {f.kind for f in r.flags}
            pred_kinds = {f.kind for f in s.flags}
            for k in FLAG_KINDS:
                flag_tp[k] += k in gold_kinds and k in pred_kinds
                flag_fp[k] += k not in gold_kinds and k in pred_kinds
                flag_fn[k] += k in gold_kinds and k not in pred_kinds
            for f in r.flags:
                if f.start is None:
                    continue
                spans_gold += 1
                spans_hit += any(p.kind == f.kind and p.start == f.start and p.end == f.end for p in s.flags)
            if "hard_negative" in r.tags:
                hard += 1
                hard_flagged += bool(s.flags)
            if gold != pred and len(errors) < 200:
                errors.append(_error(r, s, gold))
        if r.expect:
            ok = s.label in r.expect
            acc_by[r.source_label or "all"].append(int(ok))
            if not ok and r.label is None and len(errors) < 200:
                errors.append(_error(r, s, "|".join(e.value for e in r.expect)))
    out: dict[str, Any] = {"n": len(records), "labelled": labelled, "confusion": conf if labelled else {}}
    if labelled:
        per = {}
        for lab in labels:
            tp = conf[lab][lab]
            fp = sum(conf[g][lab] for g in labels) - tp
            fn = sum(conf[lab].values()) - tp
            per[lab] = _prf(tp, fp, fn)
        present = [m for m in per.values() if m.support]
        out["per_label"] = per
        out["accuracy"] = round(sum(conf[x][x] for x in labels) / labelled, 4)
        out["macro_f1"] = round(sum(m.f1 for m in present) / len(present), 4) if present else 0.0
        out["per_flag"] = {k: _prf(flag_tp[k], flag_fp[k], flag_fn[k]) for k in FLAG_KINDS}
        out["span_exact"] = round(spans_hit / spans_gold, 4) if spans_gold else None
        out["hard_negatives"] = hard
        out["hard_negatives_flagged"] = hard_flagged
        out["ece"] = _ece(conf_hits)
        rp = _prf(risky_tp, risky_fp, risky_fn)
        out["risky_precision"], out["risky_recall"] = rp.precision, rp.recall
    if acc_by:
        allv = [v for vs in acc_by.values() for v in vs]
        out["accepted"] = round(sum(allv) / len(allv), 4)
        out["accepted_by_source_label"] = {
            k: {"accepted": round(sum(v) / len(v), 4), "n": len(v)} for k, v in sorted(acc_by.items())
        }
    out["errors"] = errors
    return EvalReport(**out)


def _ece(pairs: list[tuple[float, int]], bins: int = 10) -> float:
    """Expected calibration error of (confidence, correct) pairs over equal-width bins."""
    total = len(pairs)
    err = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [(c, ok) for c, ok in pairs if (lo < c <= hi) or (b == 0 and c == 0.0)]
        if sel:
            conf = sum(c for c, _ in sel) / len(sel)
            acc = sum(ok for _, ok in sel) / len(sel)
            err += len(sel) / total * abs(conf - acc)
    return round(err, 4)


def _error(r: LabelledMessage, s: Screening, gold: str) -> dict[str, Any]:
    from .._mask import mask_identifiers

    return {
        "id": r.id,
        "gold": gold,
        "predicted": s.label.value,
        "scores": {k: round(v, 3) for k, v in s.scores.items()},
        "flags": [f"{f.kind}/{f.detail}" for f in s.flags],
        "reasons": s.reasons,
        "text": mask_identifiers(r.text),
    }
