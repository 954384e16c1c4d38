#!/usr/bin/env python3
"""wxscreen next to what a user would pick instead, on the same train/test split.

Every baseline is trained here, on ``corpora/train.jsonl`` only, and scored
with the same code as wxscreen (``wxscreen.training.evaluate``) on
``corpora/test.jsonl`` (macro-F1, possible_scam recall, risky precision) and on
each ``../shared/external/*.jsonl`` file (accepted rate: the prediction is in
the record's ``expect`` list). The external files are read in place and never
copied.

Baselines
---------
keyword
    Cue lists only, no training: the first label (in LABELS.md precedence
    order) with a cue word in the message wins, else ``other``. The lists
    (``KEYWORDS`` below) are a small fixed set a developer would write from
    DOMAIN.md in an afternoon; they are not tuned on any split.
char_tfidf_svm
    Character 1–3-gram TF-IDF (sublinear tf, min_df 2) on the raw text +
    ``LinearSVC(C=0.5)``: wxscreen's model without normalisation, jieba words,
    calibration or detectors.
fasttext
    fastText supervised (``fasttext-numpy2-wheel``, optional ``bench`` extra:
    ``pip install -e ".[bench]"``) on jieba words (jieba's default cut) with
    word bigrams (``wordNgrams=2``) and character n-grams inside words
    (``minn=1, maxn=3``); 25 epochs, lr 0.5, dim 50, one thread (deterministic).
    Skipped with a note when the package is missing.

Messages/s is prediction throughput over the test split in this process
(vectorising / tokenising included, training excluded; wxscreen:
``classify_many``).

Usage: python benchmarks/baselines.py [--external DIR] [--json FILE] [--md FILE]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _machine  # benchmarks/_machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
LABELS = ("possible_scam", "suspicious", "negotiation_offer", "collection_notice", "other")

#: keyword baseline: label -> cue words, checked in this (precedence) order.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "possible_scam": (
        "验证码", "个人账户", "个人卡", "私人账户", "私下", "加我微信", "加微信", "安全账户", "解冻", "保证金",
        "手续费", "刷流水", "屏幕共享", "共享屏幕", "征信修复", "修复征信", "注销", "公检法", "洗钱", "下载",
        "链接", "点击", "中奖", "退款", "内部渠道", "包过", "以贷养贷", "先交", "工本费", "认证费",
    ),
    "suspicious": (
        "通讯录", "爆你", "家人", "父母", "单位", "领导", "同事", "上门", "曝光", "坐牢", "拘留", "抓你",
        "后果自负", "走着瞧", "好看", "全网", "律师函", "立案", "传票",
    ),
    "negotiation_offer": (
        "减免", "分期", "延期", "停息挂账", "协商", "免除", "只还本金", "方案", "减免利息", "个性化", "延长",
    ),
    "collection_notice": (
        "逾期", "应还", "还款", "欠款", "到期", "账单", "催收", "待还", "结清",
    ),
}


@dataclass
class _Pred:
    """The part of a Screening that ``evaluate`` reads."""

    label: Any
    scores: dict[str, float]
    flags: list[Any] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


class _Adapter:
    """Give a label-only predictor the ``classify_many`` interface ``evaluate`` uses."""

    def __init__(self, predict: Any) -> None:
        self.predict = predict

    def classify_many(self, texts: list[str]) -> list[_Pred]:
        from wxscreen import Label

        out = []
        for lab in self.predict(list(texts)):
            out.append(_Pred(Label(lab), {k: float(k == lab) for k in LABELS}))
        return out


def keyword_predict(texts: list[str]) -> list[str]:
    out = []
    for t in texts:
        lab = "other"
        for k, cues in KEYWORDS.items():
            if any(c in t for c in cues):
                lab = k
                break
        out.append(lab)
    return out


def train_char_svm(train: list[Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    pipe = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, lowercase=False),
        LinearSVC(C=0.5, random_state=0),
    )
    pipe.fit([r.text for r in train], [r.label.value for r in train])
    return lambda texts: [str(x) for x in pipe.predict(texts)]


def train_fasttext(train: list[Any]) -> Any:
    import fasttext  # optional: the `bench` extra
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()

    def toks(t: str) -> str:
        return " ".join(w for w in jieba.lcut(t.replace("\n", " ")) if not w.isspace())

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "train.txt")
        with open(path, "w", encoding="utf-8") as fh:
            for r in train:
                fh.write(f"__label__{r.label.value} {toks(r.text)}\n")
        model = fasttext.train_supervised(
            input=path, epoch=25, lr=0.5, dim=50, wordNgrams=2, minn=1, maxn=3, thread=1, verbose=0
        )

    def predict(texts: list[str]) -> list[str]:
        labels, _ = model.predict([toks(t) for t in texts])
        return [lab[0].removeprefix("__label__") for lab in labels]

    return predict


def default_external() -> Path:
    """``../shared/external`` from the repository root (from a worktree in ``wt/NAME``: two levels up)."""
    for up in (ROOT.parent, ROOT.parent.parent):
        if (up / "shared" / "external").is_dir():
            return up / "shared" / "external"
    return ROOT.parent / "shared" / "external"



def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--external", default=str(default_external()))
    ap.add_argument("--json", default=str(RESULTS / "baselines.json"))
    ap.add_argument("--md", default=str(RESULTS / "baselines.md"))
    args = ap.parse_args()

    import wxscreen
    from wxscreen.training import evaluate, load_corpus

    train = [r for r in load_corpus(ROOT / "corpora" / "train.jsonl") if r.label is not None]
    test = load_corpus(ROOT / "corpora" / "test.jsonl")
    ext_dir = Path(args.external)
    externals = {f.stem: load_corpus(f) for f in sorted(ext_dir.glob("*.jsonl"))} if ext_dir.is_dir() else {}

    systems: dict[str, Any] = {"wxscreen": wxscreen.load_screener()}
    notes: dict[str, str] = {}
    systems["keyword"] = _Adapter(keyword_predict)
    t = time.perf_counter()
    systems["char_tfidf_svm"] = _Adapter(train_char_svm(train))
    notes["char_tfidf_svm"] = f"trained in {time.perf_counter() - t:.1f} s"
    try:
        t = time.perf_counter()
        systems["fasttext"] = _Adapter(train_fasttext(train))
        notes["fasttext"] = f"trained in {time.perf_counter() - t:.1f} s"
    except ImportError as exc:
        notes["fasttext"] = f"skipped: {exc} (pip install -e '.[bench]')"
        print(f"fastText skipped: {exc}", file=sys.stderr)

    test_texts = [r.text for r in test]
    results: dict[str, Any] = {}
    for name, sysm in systems.items():
        sysm.classify_many(test_texts[:20])  # warm up (wxscreen: detector compile, jieba dictionary)
        t = time.perf_counter()
        sysm.classify_many(test_texts)
        rate = len(test_texts) / (time.perf_counter() - t)
        rep = evaluate(sysm, test)
        row: dict[str, Any] = {
            "macro_f1": rep.macro_f1,
            "accuracy": rep.accuracy,
            "possible_scam_recall": rep.per_label["possible_scam"].recall,
            "risky_precision": rep.risky_precision,
            "risky_recall": rep.risky_recall,
            "messages_per_s": round(rate),
            "external_accepted": {},
        }
        for ename, recs in externals.items():
            row["external_accepted"][ename] = evaluate(sysm, recs).accepted
        if name in notes:
            row["note"] = notes[name]
        results[name] = row
        print(f"{name}: done", file=sys.stderr)

    machine = _machine.machine()
    date = time.strftime("%Y-%m-%d")
    ext_names = list(externals)
    head = ["system", "test macro-F1", "possible_scam recall", "risky precision", "messages/s"]
    head += [f"{e} accepted" for e in ext_names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in results.items():
        cells = [
            f"**{name}**" if name == "wxscreen" else name,
            f"{r['macro_f1']:.3f}",
            f"{r['possible_scam_recall']:.3f}",
            f"{r['risky_precision']:.3f}",
            str(r["messages_per_s"]),
        ]
        acc = r["external_accepted"]
        cells += [f"{acc[e]:.3f}" if acc[e] is not None else "—" for e in ext_names]
        lines.append("| " + " | ".join(cells) + " |")
    skipped = [f"{k}: {v}" for k, v in notes.items() if v.startswith("skipped")]
    lines += [""] + ([f"_{s}_" for s in skipped] + [""] if skipped else [])
    lines.append(
        f"_{date}, {machine['cores']} cores, {machine['cpu']}, Python {machine['python']}; "
        f"train n={len(train)}, test n={len(test)}; `python benchmarks/baselines.py`._"
    )
    md = "\n".join(lines)
    print(md)
    out = {"date": date, "machine": machine, "n_train": len(train), "n_test": len(test), "systems": results}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")
    Path(args.md).write_text(md + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
