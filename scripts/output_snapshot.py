#!/usr/bin/env python3
"""Snapshot every output of classify_many over the corpora, and compare two snapshots.

A speed change must not change a single result. Take a snapshot before the
change, one after, and compare: labels, scores, flags (kind, detail, start,
end, rule, score, evidence, context), reasons, flags_complete, advice and
entities, with masking on and off, over corpora/train.jsonl, dev.jsonl and
test.jsonl (about 19,000 screenings).

Usage:
    python scripts/output_snapshot.py dump FILE.json
    python scripts/output_snapshot.py compare BEFORE.json AFTER.json   (exit 1 on any difference)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("train", "dev", "test")


def dump(path: str) -> int:
    import wxscreen
    from wxscreen.training import load_corpus

    texts = [r.text for split in SPLITS for r in load_corpus(ROOT / "corpora" / f"{split}.jsonl")]
    out: list[dict[str, Any]] = []
    for masked in (True, False):
        screener = wxscreen.load_screener(mask_identifiers=masked)
        for r in screener.classify_many(texts):
            out.append(
                {
                    "label": r.label.value,
                    "scores": r.scores,
                    "flags": [
                        [f.kind, f.detail, f.start, f.end, f.rule, f.score, f.evidence, f.context] for f in r.flags
                    ],
                    "reasons": r.reasons,
                    "complete": r.flags_complete,
                    "advice": r.advice,
                    "entities": [e.model_dump(mode="json") for e in r.entities],
                }
            )
    Path(path).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    print(f"{len(texts)} texts, {len(out)} screenings -> {path}")
    return 0


def compare(before: str, after: str) -> int:
    a = json.loads(Path(before).read_text(encoding="utf-8"))
    b = json.loads(Path(after).read_text(encoding="utf-8"))
    if len(a) != len(b):
        print(f"different sizes: {len(a)} vs {len(b)}")
        return 1
    diff: dict[str, list[int]] = {}
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        for k in x.keys() | y.keys():
            if x.get(k) != y.get(k):
                diff.setdefault(k, []).append(i)
    print(f"{len(a)} screenings compared; differing fields: {({k: len(v) for k, v in diff.items()}) or 'none'}")
    for k, rows in diff.items():
        i = rows[0]
        print(f"  first {k} difference, screening {i}: {a[i].get(k)!r} vs {b[i].get(k)!r}")
    return 1 if diff else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "dump":
        return dump(argv[1])
    if len(argv) == 3 and argv[0] == "compare":
        return compare(argv[1], argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
