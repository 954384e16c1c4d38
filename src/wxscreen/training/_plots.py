"""Confusion-matrix and reliability-diagram plots of an :class:`EvalReport`.

matplotlib is imported only when a plot is made, and only its object-oriented
API with the Agg canvas is used, so plotting never changes the caller's
pyplot backend and works without a display. matplotlib is an optional
dependency: ``pip install "wxscreen[plots]"``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ._evaluate import EvalReport

__all__ = ["plot_confusion_matrix", "plot_reliability", "save_plots"]


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError('plots need matplotlib: pip install "wxscreen[plots]"') from exc
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def plot_confusion_matrix(report: EvalReport, ax: Any = None, *, normalize: bool = True) -> Any:
    """Draw the confusion matrix of ``report`` (rows gold, columns predicted).

    Parameters
    ----------
    report : EvalReport
        A report with labelled records.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new Agg figure (7 x 6 in).
    normalize : bool, default=True
        Colour by row share (recall); the cells show counts either way.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the report has no labelled records.
    ImportError
        If matplotlib is not installed.
    """
    if not report.labelled:
        raise ValueError("the report has no labelled records, so no confusion matrix")
    import numpy as np

    ax = _axes(ax, (7, 6))
    labs = [x for x in report.labels if x in report.confusion]
    M = np.array([[report.confusion[g][p] for p in labs] for g in labs], dtype=float)
    rows = M.sum(axis=1, keepdims=True)
    C = np.divide(M, rows, out=np.zeros_like(M), where=rows > 0) if normalize else M
    im = ax.imshow(C, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    for i in range(len(labs)):
        for j in range(len(labs)):
            colour = "white" if C[i, j] > 0.6 * C.max() else "black"
            ax.text(j, i, f"{int(M[i, j])}", ha="center", va="center", color=colour)
    ax.set_xticks(range(len(labs)), labs, rotation=30, ha="right")
    ax.set_yticks(range(len(labs)), labs)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{report.source or 'confusion matrix'} (n={report.labelled}, macro-F1 {report.macro_f1:.3f})")
    ax.figure.colorbar(im, ax=ax, label="share of gold row" if normalize else "count")
    return ax


def plot_reliability(report: EvalReport, ax: Any = None) -> Any:
    """Draw the reliability diagram: accuracy against mean confidence per bin.

    The calibrated scores and, when present, the uncalibrated baseline are
    drawn as lines with markers sized by the bin count; the diagonal is
    perfect calibration.

    Parameters
    ----------
    report : EvalReport
        A report with labelled records.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new Agg figure (6 x 6 in).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the report has no calibration table (no labelled records).
    ImportError
        If matplotlib is not installed.
    """
    if report.calibration is None:
        raise ValueError("the report has no labelled records, so no reliability diagram")
    ax = _axes(ax, (6, 6))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    series = [("calibrated", report.calibration, "tab:blue")]
    if report.calibration_uncalibrated is not None:
        series.append(("before calibration (softmax of SVM margins)", report.calibration_uncalibrated, "tab:orange"))
    for name, cal, colour in series:
        pts = [(b.confidence, b.accuracy, b.n) for b in cal.bins if b.n]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        total = sum(p[2] for p in pts) or 1
        ax.plot(xs, ys, color=colour, lw=1.5, label=f"{name}: ECE {cal.ece:.3f}")
        ax.scatter(xs, ys, s=[20 + 400 * p[2] / total for p in pts], color=colour, alpha=0.7)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("mean top score in bin (10 equal-width bins)")
    ax.set_ylabel("accuracy of the top label")
    ax.set_title(f"reliability: {report.source or ''} (n={report.labelled})")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def save_plots(report: EvalReport, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``confusion_matrix.png`` and ``reliability.png`` for ``report``.

    Parameters
    ----------
    report : EvalReport
    out_dir : path-like
        Created if needed.

    Returns
    -------
    list of pathlib.Path
        The files written (none when the report has no labelled records).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not report.labelled:
        return []
    written = []
    for name, fn in (("confusion_matrix.png", plot_confusion_matrix), ("reliability.png", plot_reliability)):
        ax = fn(report)
        ax.figure.savefig(out / name, dpi=120)
        written.append(out / name)
    return written
