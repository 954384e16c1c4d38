#!/usr/bin/env python3
"""Print the counts section of corpora/README.md (labels, flags, tags, lengths per split).

Usage: python scripts/corpus_stats.py > /tmp/stats.md
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ["possible_scam", "suspicious", "negotiation_offer", "collection_notice", "other"]


def load(name: str) -> list[dict]:
    return [json.loads(x) for x in (ROOT / "corpora" / name).read_text("utf-8").splitlines() if x.strip()]


def main() -> None:
    splits = {"train": load("train.jsonl"), "test": load("test.jsonl")}
    allr = splits["train"] + splits["test"]
    n = len(allr)
    out = [f"Total: **{n}** messages ({len(splits['train'])} train, {len(splits['test'])} test = "
           f"{len(splits['test']) / n:.1%}); sources: {dict(Counter(r['source'].split(':')[0] for r in allr))}.", ""]
    out += ["| label | train | test | total |", "|---|---|---|---|"]
    for lab in LABELS:
        a = sum(r["label"] == lab for r in splits["train"])
        b = sum(r["label"] == lab for r in splits["test"])
        out.append(f"| {lab} | {a} | {b} | {a + b} |")
    flagged = sum(bool(r["flags"]) for r in allr)
    out += ["", f"Messages with at least one flag: {flagged} ({flagged / n:.1%}).", ""]
    out += ["| flag kind | messages | flags | details |", "|---|---|---|---|"]
    kinds = sorted({f["kind"] for r in allr for f in r["flags"]})
    for k in kinds:
        msgs = sum(any(f["kind"] == k for f in r["flags"]) for r in allr)
        det = Counter(f["detail"] for r in allr for f in r["flags"] if f["kind"] == k)
        out.append(f"| {k} | {msgs} | {sum(det.values())} | "
                   + ", ".join(f"{d} {c}" for d, c in det.most_common()) + " |")
    tags = Counter(t for r in allr for t in r.get("tags", []))
    out += ["", "| tag | messages | share |", "|---|---|---|"]
    for t, c in tags.most_common():
        out.append(f"| {t} | {c} | {c / n:.1%} |")
    lens = sorted(len(r["text"]) for r in allr)
    bands = Counter("1–15" if x <= 15 else "16–29" if x < 30 else "30–120" if x <= 120 else "121–199" if x < 200
                    else "200+" for x in lens)
    out += ["", f"Length in characters: min {lens[0]}, median {lens[len(lens) // 2]}, max {lens[-1]}; "
            + ", ".join(f"{b}: {bands[b]}" for b in ["1–15", "16–29", "30–120", "121–199", "200+"]) + "."]
    batches = Counter(r["id"].rsplit("-", 1)[0] for r in allr)
    out += ["", "Messages per author batch (id prefix): " + ", ".join(f"`{b}` {c}" for b, c in sorted(batches.items()))
            + "."]
    dev = load("dev.jsonl")
    test_n = len(splits["test"])
    out += ["", f"Development set `dev.jsonl`: {len(dev)} messages "
            f"({dict(Counter(r['label'] for r in dev))}); "
            f"{sum('hard_negative' in r.get('tags', []) for r in dev)} hard negatives. "
            f"The shipped model trains on train + dev, so the held-out test split is "
            f"{test_n} / {len(allr) + len(dev)} = {100 * test_n / (len(allr) + len(dev)):.1f}% of all messages."]
    print("\n".join(out))


if __name__ == "__main__":
    main()
