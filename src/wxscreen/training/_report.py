"""Plain-text and Markdown renderings of evaluation and cross-validation reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ._crossval import CVReport
    from ._evaluate import Calibration, EvalReport, LabelMetrics

__all__ = ["cv_markdown", "cv_text", "report_markdown", "report_text"]


def _f(x: float | None, nd: int = 3) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def _prf_cells(m: LabelMetrics) -> tuple[str, str, str]:
    """Precision, recall and F1 as text; "—" for a label no record has and none was predicted as."""
    if not m.support and not m.predicted:
        return "—", "—", "—"
    return _f(m.precision), _f(m.recall), _f(m.f1)


def _reliability_rows(cal: Calibration, unc: Calibration | None) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for i, b in enumerate(cal.bins):
        u = unc.bins[i] if unc is not None else None
        if not b.n and not (u and u.n):
            continue
        row: tuple[str, ...] = (f"({b.lower:.1f}, {b.upper:.1f}]", str(b.n), _f(b.confidence), _f(b.accuracy))
        if unc is not None and u is not None:
            row += (str(u.n), _f(u.confidence), _f(u.accuracy))
        rows.append(row)
    return rows


def report_text(rep: EvalReport) -> str:
    """Return ``rep`` as plain-text tables (what ``wxscreen eval`` prints).

    Parameters
    ----------
    rep : EvalReport

    Returns
    -------
    str
        Lines ending in a newline.
    """
    name = rep.source or "records"
    lines = [f"== {name}: {rep.n} records ({rep.labelled} labelled) =="]
    if rep.labelled:
        lines.append(
            f"accuracy {_f(rep.accuracy, 4)}   macro-F1 {_f(rep.macro_f1, 4)}   weighted-F1 {_f(rep.weighted_f1, 4)}"
        )
        lines.append(f"{'label':<20}{'precision':>10}{'recall':>10}{'F1':>8}{'support':>9}")
        for k, m in rep.per_label.items():
            cp, cr, cf = _prf_cells(m)
            lines.append(f"{k:<20}{cp:>10}{cr:>10}{cf:>8}{m.support:>9}")
        labs = list(rep.confusion)
        lines.append("confusion (rows gold, columns predicted):")
        lines.append(f"  {'':<20}" + "".join(f"{x[:9]:>10}" for x in labs))
        for g in labs:
            lines.append(f"  {g:<20}" + "".join(f"{rep.confusion[g][p]:>10}" for p in labs))
        lines.append(
            f"{'flag kind':<24}{'precision':>10}{'recall':>10}{'support':>9}{'predicted':>10}"
            f"{'spans':>7}{'exact':>7}{'overlap':>8}"
        )
        for k, fm in rep.per_flag.items():
            if fm.support or fm.predicted:
                lines.append(
                    f"{k:<24}{fm.precision:>10.3f}{fm.recall:>10.3f}{fm.support:>9}{fm.predicted:>10}"
                    f"{fm.spans:>7}{_f(fm.span_exact):>7}{_f(fm.span_overlap):>8}"
                )
        if rep.span_exact is not None:
            lines.append(f"gold spans: matched exactly {_f(rep.span_exact)}, overlapped {_f(rep.span_overlap)}")
        if rep.risky is not None:
            r = rep.risky
            lines.append(
                f"risky (possible_scam+suspicious) precision {r.precision:.3f} recall {r.recall:.3f} "
                f"F1 {r.f1:.3f} (support {r.support})"
            )
        if rep.calibration is not None:
            lines.append(
                f"calibration: ECE (10 bins) {rep.calibration.ece:.4f} after, "
                f"{_f(rep.ece_uncalibrated, 4)} before (softmax of SVM decision values)"
            )
            head = f"  {'confidence':<13}{'n':>6}{'conf':>7}{'acc':>7}"
            if rep.calibration_uncalibrated is not None:
                head += f"   | before:{'n':>6}{'conf':>7}{'acc':>7}"
            lines.append(head)
            for row in _reliability_rows(rep.calibration, rep.calibration_uncalibrated):
                line = f"  {row[0]:<13}{row[1]:>6}{row[2]:>7}{row[3]:>7}"
                if len(row) > 4:
                    line += f"   |        {row[4]:>6}{row[5]:>7}{row[6]:>7}"
                lines.append(line)
        if rep.per_tag:
            lines.append(
                f"{'tag':<20}{'n':>6}{'accuracy':>10}{'macro-F1':>10}{'risky-rec':>10}{'false-risky':>12}{'any-flag':>10}"
            )
            for t, tm in rep.per_tag.items():
                lines.append(
                    f"{t:<20}{tm.n:>6}{tm.accuracy:>10.3f}{tm.macro_f1:>10.3f}{_f(tm.risky_recall):>10}"
                    f"{_f(tm.false_risky):>12}{tm.any_flag:>10.3f}"
                )
        lines.append(f"hard negatives: {rep.hard_negatives}, with any flag: {rep.hard_negatives_flagged}")
    if rep.accepted is not None:
        lines.append(f"expect-accepted rate {rep.accepted:.4f}")
        for k, v in rep.accepted_by_source_label.items():
            lines.append(f"  {k:<28} {v.accepted:.4f}  (n={v.n})")
    lines.append(f"misclassified: {rep.n_errors}")
    return "\n".join(lines) + "\n"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def report_markdown(rep: EvalReport) -> str:
    """Return ``rep`` as Markdown tables.

    Parameters
    ----------
    rep : EvalReport

    Returns
    -------
    str
    """
    name = rep.source or "records"
    lines = [f"### {name}", "", f"{rep.n} records, {rep.labelled} labelled.", ""]
    if rep.labelled:
        lines.append(
            f"Accuracy {_f(rep.accuracy)}, macro-F1 **{_f(rep.macro_f1)}**, weighted-F1 {_f(rep.weighted_f1)}; "
            f"ECE {_f(rep.ece)} (before calibration {_f(rep.ece_uncalibrated)}); "
            f"risky precision {_f(rep.risky_precision)} / recall {_f(rep.risky_recall)}; "
            f"hard negatives with any flag {rep.hard_negatives_flagged}/{rep.hard_negatives}."
        )
        lines.append("")
        lines += _table(
            ["label", "precision", "recall", "F1", "support"],
            [[k, *_prf_cells(m), str(m.support)] for k, m in rep.per_label.items()],
        )
        labs = list(rep.confusion)
        lines += ["", "Confusion matrix (rows gold, columns predicted):", ""]
        lines += _table(["gold \\ predicted", *labs], [[g, *(str(rep.confusion[g][p]) for p in labs)] for g in labs])
        lines.append("")
        lines += _table(
            ["flag kind", "precision", "recall", "support", "predicted", "spans", "exact", "overlap"],
            [
                [k, _f(m.precision), _f(m.recall), str(m.support), str(m.predicted), str(m.spans),
                 _f(m.span_exact), _f(m.span_overlap)]
                for k, m in rep.per_flag.items()
                if m.support or m.predicted
            ],
        )
        if rep.calibration is not None:
            lines += ["", "Reliability (10 equal-width bins of the top score):", ""]
            head = ["confidence", "n", "mean conf", "accuracy"]
            if rep.calibration_uncalibrated is not None:
                head += ["n before", "conf before", "acc before"]
            lines += _table(head, [list(r) for r in _reliability_rows(rep.calibration, rep.calibration_uncalibrated)])
        if rep.per_tag:
            lines += [""]
            lines += _table(
                ["tag", "n", "accuracy", "macro-F1", "risky recall", "false risky", "any flag"],
                [
                    [t, str(m.n), _f(m.accuracy), _f(m.macro_f1), _f(m.risky_recall), _f(m.false_risky),
                     _f(m.any_flag)]
                    for t, m in rep.per_tag.items()
                ],
            )
    if rep.accepted is not None:
        lines += ["", f"Accepted rate (`expect`): **{_f(rep.accepted)}**", ""]
        lines += _table(
            ["source_label", "n", "accepted"],
            [[k, str(v.n), _f(v.accepted)] for k, v in rep.accepted_by_source_label.items()],
        )
    lines += ["", f"Misclassified: {rep.n_errors}."]
    return "\n".join(lines) + "\n"


def cv_text(cv: CVReport) -> str:
    """Return a cross-validation report as plain text: one ``mean ± std`` line per metric.

    Parameters
    ----------
    cv : CVReport

    Returns
    -------
    str
    """
    lines = [
        f"== {cv.k}-fold cross-validation of {cv.source}: {cv.n} records, seed {cv.seed}, "
        f"{'near-duplicate groups kept together' if cv.grouped else 'ungrouped'} =="
    ]
    for k, m in cv.metrics.items():
        lines.append(f"{k:<32}{m.mean:.4f} ± {m.std:.4f}   [{', '.join(f'{v:.4f}' for v in m.values)}]")
    return "\n".join(lines) + "\n"


def cv_markdown(cv: CVReport) -> str:
    """Return a cross-validation report as a Markdown table.

    Parameters
    ----------
    cv : CVReport

    Returns
    -------
    str
    """
    lines = [
        f"### {cv.k}-fold cross-validation: {cv.source}",
        "",
        f"{cv.n} records, seed {cv.seed}, stratified"
        + (", near-duplicate groups kept in one fold." if cv.grouped else "."),
        "",
    ]
    lines += _table(
        ["metric", "mean", "std", "folds"],
        [[k, f"{m.mean:.4f}", f"{m.std:.4f}", ", ".join(f"{v:.3f}" for v in m.values)] for k, m in cv.metrics.items()],
    )
    return "\n".join(lines) + "\n"
