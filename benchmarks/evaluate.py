#!/usr/bin/env python3
"""Evaluate the shipped model on the held-out split and on ../shared/external.

Writes a Markdown table to stdout (and JSON to --json FILE). The external files
are read in place from ../shared/external; nothing is copied.

Usage: python benchmarks/evaluate.py [--external DIR] [--json out.json]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--external", default=str(ROOT.parent / "shared" / "external"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    import wxscreen
    from wxscreen.training import evaluate, load_corpus

    s = wxscreen.load_screener()
    results = {}
    test = load_corpus(ROOT / "corpora" / "test.jsonl")
    rep = evaluate(s, test)
    results["test"] = rep.model_dump(exclude={"errors"})
    lines = [
        f"Held-out test split (`corpora/test.jsonl`, n={rep.n}): accuracy {rep.accuracy:.3f}, "
        f"macro-F1 **{rep.macro_f1:.3f}**, calibration ECE {rep.ece:.3f} "
        f"({rep.ece_uncalibrated:.3f} before calibration), "
        f"risky precision {rep.risky_precision:.3f} / recall {rep.risky_recall:.3f}, "
        f"hard negatives with any flag {rep.hard_negatives_flagged}/{rep.hard_negatives}.",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for k, m in rep.per_label.items():
        lines.append(f"| {k} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} | {m.support} |")
    lines += ["", "| flag kind | precision | recall | support |", "|---|---|---|---|"]
    for k, m in rep.per_flag.items():
        if m.support or m.predicted:
            lines.append(f"| {k} | {m.precision:.3f} | {m.recall:.3f} | {m.support} |")
    ext = Path(args.external)
    files = sorted(ext.glob("*.jsonl")) if ext.is_dir() else []
    if files:
        lines += ["", "External sets (`expect` = acceptable labels; accepted rate):", ""]
        lines += ["| file | source_label | n | accepted |", "|---|---|---|---|"]
        for f in files:
            r = evaluate(s, load_corpus(f))
            results[f.name] = r.model_dump(exclude={"errors"})
            by = r.accepted_by_source_label
            if len(by) > 1:
                for k, v in by.items():
                    lines.append(f"| {f.name} | {k} | {v.n} | {v.accepted:.3f} |")
            tot = sum(v.n for v in by.values())
            lines.append(f"| {f.name} | **all** | {tot} | **{r.accepted:.3f}** |")
    lines += [
        "",
        f"_Generated {dt.date.today().isoformat()} by `python benchmarks/evaluate.py` "
        f"(wxscreen {wxscreen.__version__}, Python {platform.python_version()})._",
    ]
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
