#!/usr/bin/env python3
"""Label accuracy on messages by writers the training split never saw: wxscreen vs the baselines.

The test split is held out record by record, so its writers (the authoring
batches) also wrote the training split; ``dev`` and the blind sets were written
by authors who never saw the corpus. This script trains the character n-gram
TF-IDF + LinearSVC baseline of ``benchmarks/baselines.py`` on ``train`` only and
compares it with a wxscreen model trained on ``train`` only (built beforehand with
``wxscreen train corpora --no-dev --out DIR``), on ``test``, ``dev`` and every
``corpus_src/blind/*.jsonl`` file.

Usage: python benchmarks/unseen_writers.py --model DIR [--md FILE]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="a wxscreen model trained on corpora/train.jsonl only")
    ap.add_argument("--md", default=str(ROOT / "benchmarks" / "results" / "unseen_writers.md"))
    args = ap.parse_args()

    from baselines import train_char_svm  # same folder
    from sklearn.metrics import accuracy_score, f1_score

    import wxscreen
    from wxscreen.training import load_corpus

    train = load_corpus(ROOT / "corpora" / "train.jsonl")
    char_svm = train_char_svm(train)
    screener = wxscreen.load_screener(args.model)
    sets = [ROOT / "corpora" / "test.jsonl", ROOT / "corpora" / "dev.jsonl"]
    sets += sorted((ROOT / "corpus_src" / "blind").glob("*.jsonl"))
    rows = [
        "| set | writers | n | wxscreen macro-F1 / accuracy | char TF-IDF + LinearSVC macro-F1 / accuracy |",
        "|---|---|---|---|---|",
    ]
    for path in sets:
        recs = load_corpus(path)
        texts = [r.text for r in recs]
        gold = [r.label.value for r in recs if r.label is not None]
        ours = [s.label.value for s in screener.classify_many(texts)]
        base = char_svm(texts)
        writers = "same as train" if path.name == "test.jsonl" else "unseen"
        rows.append(
            f"| `{path.relative_to(ROOT)}` | {writers} | {len(recs)} | "
            f"{f1_score(gold, ours, average='macro'):.3f} / {accuracy_score(gold, ours):.3f} | "
            f"{f1_score(gold, base, average='macro'):.3f} / {accuracy_score(gold, base):.3f} |"
        )
    rows += ["", f"_{dt.date.today()}, both trained on `corpora/train.jsonl` (n={len(train)}); "
             "`python benchmarks/unseen_writers.py --model DIR`._"]
    text = "\n".join(rows) + "\n"
    Path(args.md).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
