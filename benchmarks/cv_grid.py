#!/usr/bin/env python3
"""Grouped k-fold CV of classifier settings on the TRAIN split only (model selection).

Same folds as ``wxscreen eval --cv K`` (``StratifiedGroupKFold`` over the
15-character near-duplicate groups, ``random_state=seed``) and the same
evaluation (the full screener: model, detectors, learned flagger, decision
rules, scored by ``wxscreen.training.evaluate``). To make a grid affordable,
the learned sentence flagger of each fold, which does not depend on the
classifier's settings, is fitted once per fold and shared by every setting,
and jieba's segmentation of each text is memoised. For the shipped setting the
figures equal ``wxscreen eval --cv K`` exactly (checked by hand: see
``benchmarks/results/cv_grid.md``).

Usage: python benchmarks/cv_grid.py [--k 5] [--seed 0] [--out FILE.jsonl] [--flagger-cache FILE]
       [--holdout-tag TAG] SETTING...
       python benchmarks/cv_grid.py --table FILE.jsonl    (Markdown table, paired differences vs ``base``)

SETTING is ``name`` or ``name:key=value,key=value`` with keys of
``wxscreen._features.build_estimators`` (values parsed as Python literals),
e.g. ``base``  ``C025:C=0.25``  ``char14:char_ngram=(1,4)``.
"""
from __future__ import annotations

import argparse
import ast
import json
import math
import os
import pickle
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def parse_setting(s: str) -> tuple[str, dict[str, Any]]:
    name, _, rest = s.partition(":")
    params: dict[str, Any] = {}
    if rest:
        # split on commas that are not inside brackets
        depth, cur, parts = 0, "", []
        for ch in rest:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        parts.append(cur)
        for p in parts:
            key, _, val = p.partition("=")
            try:
                params[key.strip()] = ast.literal_eval(val.strip())
            except (ValueError, SyntaxError):
                params[key.strip()] = val.strip()
    return name, params


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("settings", nargs="*")
    ap.add_argument(
        "--holdout-tag", default=None, metavar="TAG",
        help="instead of k folds, one split: test = the records tagged TAG, train = the rest minus their "
        "near-duplicate groups (a style-shift check, e.g. TAG=long or sms_style)",
    )
    ap.add_argument("--table", default=None, metavar="FILE", help="print the Markdown table of a --out file and exit")
    ap.add_argument("--corpus", default=str(ROOT / "corpora" / "train.jsonl"))
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="append one JSON line per setting to this file")
    ap.add_argument(
        "--flagger-cache", default=None,
        help="pickle of the per-fold flaggers: loaded if present (same corpus, k, seed), else written",
    )
    args = ap.parse_args(argv)
    if args.table:
        sys.stdout.write(table(args.table))
        return 0

    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    from wxscreen import Screener
    from wxscreen._flagmodel import SentenceFlagger
    from wxscreen._normalize import normalize
    from wxscreen._tokenize import JiebaTokenizer
    from wxscreen.training import corpus_sha256, evaluate, load_corpus
    from wxscreen.training._crossval import near_duplicate_groups
    from wxscreen.training._evaluate import LABELS
    from wxscreen.training._train import (
        FLAG_GATES,
        FLAG_THRESHOLDS,
        _fit_classifier,
        _norm_spans,
    )

    # memoise jieba's segmentation (a pure function of the text and the hmm switch)
    memo: dict[tuple[bool, str], list[str]] = {}
    orig_call = JiebaTokenizer.__call__

    def call(self: Any, text: str) -> Any:
        key = (self.hmm, text)
        out = memo.get(key)
        if out is None:
            out = memo[key] = orig_call(self, text)
        return out

    JiebaTokenizer.__call__ = call  # type: ignore[method-assign]

    records = load_corpus(args.corpus)
    y = [r.label.value for r in records if r.label is not None]
    groups = near_duplicate_groups([r.text for r in records])
    if args.holdout_tag:
        te = [i for i, r in enumerate(records) if args.holdout_tag in r.tags]
        held = {groups[i] for i in te}
        tr = [i for i in range(len(records)) if groups[i] not in held]
        splits = [(np.asarray(tr), np.asarray(te))]
        args.k = 1
    else:
        splits = list(StratifiedGroupKFold(args.k, shuffle=True, random_state=args.seed).split(y, y, groups))
    norms = [normalize(r.text) for r in records]

    t0 = time.perf_counter()
    key = (corpus_sha256(records), args.k, args.seed, args.holdout_tag)
    cache = Path(args.flagger_cache) if args.flagger_cache else None
    flaggers: list[Any] = []
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            cached_key, flaggers = pickle.load(fh)  # noqa: S301 - a local cache this script wrote
        if cached_key != key:
            flaggers = []
    if not flaggers:
        for tr, _te in splits:
            fl = SentenceFlagger.fit(
                [norms[j].text for j in tr], [_norm_spans(records[j], norms[j]) for j in tr], seed=args.seed
            )
            fl.thresholds = dict(FLAG_THRESHOLDS)
            fl.gates = dict(FLAG_GATES)
            flaggers.append(fl)
        if cache is not None:
            with cache.open("wb") as fh:
                pickle.dump((key, flaggers), fh)
    print(f"flaggers ready in {time.perf_counter() - t0:.0f} s (n={len(records)})", file=sys.stderr)

    for s in args.settings:
        name, params = parse_setting(s)
        fold_rows = []
        fit_s: list[float] = []
        n_features: list[int] = []
        size_mb: float | None = None
        for i, (tr, te) in enumerate(splits):
            t = time.perf_counter()
            bundle = _fit_classifier(
                [norms[j].text for j in tr], [y[j] for j in tr], seed=args.seed,
                hidden=[norms[j].invisible_in_words for j in tr], **params,
            )
            fit_s.append(time.perf_counter() - t)
            n_features.append(len(bundle.word.vocabulary_) + len(bundle.char.vocabulary_))
            bundle.flagger = flaggers[i]
            test = [records[j] for j in te]
            rep = evaluate(Screener(bundle), test, source=f"fold {i + 1}/{args.k}")
            # model alone: arg-max of the calibrated probabilities
            X = bundle.transform([norms[j].text for j in te], hidden=[norms[j].invisible_in_words for j in te])
            P = bundle.predict_proba(X)
            classes = bundle.classes
            pred = [classes[k] for k in P.argmax(axis=1)]
            gold = [y[j] for j in te]
            f1s = []
            for lab in LABELS:
                tp = sum(g == lab and p == lab for g, p in zip(gold, pred, strict=True))
                fp = sum(g != lab and p == lab for g, p in zip(gold, pred, strict=True))
                fn = sum(g == lab and p != lab for g, p in zip(gold, pred, strict=True))
                if tp + fn:
                    f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
            if i == 0:
                size_mb = _bundle_size_mb(bundle)
            fold_rows.append(
                {
                    "accuracy": rep.accuracy,
                    "macro_f1": rep.macro_f1,
                    "risky_precision": rep.risky_precision,
                    "risky_recall": rep.risky_recall,
                    "ece": rep.ece,
                    "model_macro_f1": float(np.mean(f1s)),
                    **{f"f1:{lab}": rep.per_label[lab].f1 for lab in LABELS if lab in rep.per_label},
                    # slices closest to the product's weak spot (unseen long letters, benign look-alikes)
                    "long:accuracy": rep.per_tag["long"].accuracy if "long" in rep.per_tag else math.nan,
                    "long:risky_recall": _none_nan(rep.per_tag["long"].risky_recall) if "long" in rep.per_tag
                    else math.nan,
                    "hard_negative:false_risky": _none_nan(rep.per_tag["hard_negative"].false_risky)
                    if "hard_negative" in rep.per_tag else math.nan,
                }
            )
            print(f"  {name} fold {i + 1}: macro_f1={rep.macro_f1:.4f} fit={fit_s[-1]:.1f}s", file=sys.stderr)
        # a tag slice absent from a fold is NaN there; means and sds are over the folds that have it,
        # and a slice absent from every fold is left out
        metrics = {
            key: {
                "mean": statistics.fmean(v),
                "std": statistics.pstdev(v),
                "values": v,
            }
            for key in fold_rows[0]
            for v in [[float(r[key]) for r in fold_rows if not math.isnan(float(r[key]))]]
            if v
        }
        row = {
            "setting": name,
            "params": {k: repr(v) for k, v in params.items()},
            "k": args.k,
            "seed": args.seed,
            "holdout_tag": args.holdout_tag,
            "n": len(records),
            "metrics": metrics,
            "fit_seconds_mean": statistics.fmean(fit_s),
            "n_features_mean": statistics.fmean(n_features),
            "model_mb_fold1": size_mb,
        }
        m = metrics["macro_f1"]
        print(
            f"{name}: macro_f1 {m['mean']:.4f} ± {m['std']:.4f}  model-only {metrics['model_macro_f1']['mean']:.4f}"
            f"  risky P/R {metrics['risky_precision']['mean']:.4f}/{metrics['risky_recall']['mean']:.4f}"
            f"  fit {row['fit_seconds_mean']:.1f}s  {size_mb:.1f} MB",
            flush=True,
        )
        if args.out:
            with open(args.out, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")
    return 0


def _none_nan(x: float | None) -> float:
    return math.nan if x is None else float(x)


def table(path: str, base: str = "base") -> str:
    """Markdown table of the settings in a ``--out`` file, with paired fold differences vs ``base``.

    The paired difference is the mean over folds of (setting − base) macro-F1;
    its standard error is the sample standard deviation (ddof=1) of the fold
    differences over sqrt(k).
    """
    rows = [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line.strip()]
    by_name = {r["setting"]: r for r in rows}
    ref = by_name[base]["metrics"]["macro_f1"]["values"]
    out = [
        "| setting | params | macro-F1 (mean ± sd) | Δ vs base ± se | Δ/se | model-only macro-F1 | accuracy "
        "| risky P | risky R | ECE | long acc | long risky R | hard-neg false risky | fit s/fold | features "
        "| bundle MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in by_name.values():
        m = r["metrics"]
        v = m["macro_f1"]["values"]
        d = [a - b for a, b in zip(v, ref, strict=True)]
        md = statistics.fmean(d)
        se = statistics.stdev(d) / math.sqrt(len(d)) if len(d) > 1 and any(d) else 0.0
        ratio = f"{md / se:+.1f}" if se else "—"
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "(shipped)"
        out.append(
            f"| {r['setting']} | {params} | {m['macro_f1']['mean']:.4f} ± {m['macro_f1']['std']:.4f} "
            f"| {md:+.4f} ± {se:.4f} | {ratio} | {m['model_macro_f1']['mean']:.4f} | {m['accuracy']['mean']:.4f} "
            f"| {m['risky_precision']['mean']:.4f} | {m['risky_recall']['mean']:.4f} | {m['ece']['mean']:.4f} "
            f"| {_tag(m, 'long:accuracy')} | {_tag(m, 'long:risky_recall')} | {_tag(m, 'hard_negative:false_risky')} "
            f"| {r['fit_seconds_mean']:.1f} | {r['n_features_mean']:.0f} | {r['model_mb_fold1']:.1f} |"
        )
    return "\n".join(out) + "\n"


def _tag(m: dict[str, Any], key: str) -> str:
    if key not in m:
        return "—"
    v = [x for x in m[key]["values"] if not math.isnan(x)]
    return f"{statistics.fmean(v):.3f}" if v else "—"


def _bundle_size_mb(bundle: Any) -> float:
    """Size on disk of the saved bundle (``save_bundle``, learned flagger included), in MB."""
    import tempfile

    from wxscreen._persist import save_bundle

    with tempfile.TemporaryDirectory() as d:
        save_bundle(bundle, Path(d) / "m")
        total = sum(f.stat().st_size for f in (Path(d) / "m").rglob("*") if f.is_file())
    return total / 1e6


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
