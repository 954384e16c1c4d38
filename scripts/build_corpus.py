#!/usr/bin/env python3
"""Build corpora/train.jsonl and corpora/test.jsonl from the raw batches.

Steps (deterministic):
1. read corpus_src/raw/*.jsonl (authors' batches, flags carry `evidence` strings);
2. resolve each flag's evidence to start/end offsets in the text (first
   occurrence, or the n-th with "occurrence": n);
3. drop exact and squashed duplicates (same text after removing spaces,
   punctuation and invisible characters), keeping the first;
4. group records that share any 15-character run of the text as the screener
   reads it (Traditional → Simplified, variants, numerals; letters and digits
   only) — connected components — so near-duplicates, including a Traditional
   or obfuscated copy, can never straddle the split;
5. keep every record already in corpora/{train,test}.jsonl on its side (the
   split is sticky across corpus versions: a group holding an earlier test
   record stays in test, one holding an earlier train record in train), then
   assign the new groups to test, seeded, until each label reaches ~22%;
6. write the detector development set corpora/dev.jsonl from corpus_src/dev/
   (batches written later, without sight of the corpus, for tuning detectors),
   dropping any record that shares a 15-character run with the test split.
Augmentation, if any, happens after this split and keeps each copy in its
source's split.

Usage: python scripts/build_corpus.py [--seed 13] [--test-share 0.22]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "corpus_src" / "raw"
SHINGLE = 15


def squash(text: str) -> str:
    """Letters and digits after NFKC: the key for exact and squashed duplicates."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def squash_read(text: str) -> str:
    """Letters and digits of ``text`` as the screener reads it (Traditional → Simplified, variants,
    numerals: ``wxscreen._normalize.normalize``), the key for near-duplicate groups, so that a
    Traditional or obfuscated copy of a train message cannot sit in test (code review 8)."""
    from wxscreen._normalize import normalize

    return "".join(ch for ch in normalize(text).text if unicodedata.category(ch)[0] in "LN")


def resolve(rec: dict) -> dict:
    text = rec["text"]
    flags = []
    for f in rec.get("flags", []):
        ev = f["evidence"]
        occ = int(f.get("occurrence", 1))
        pos = -1
        for _ in range(occ):
            pos = text.find(ev, pos + 1)
            if pos < 0:
                raise SystemExit(f"{rec['id']}: evidence {ev!r} (occurrence {occ}) not in text")
        flags.append({"kind": f["kind"], "detail": f["detail"], "start": pos, "end": pos + len(ev), "evidence": ev})
    out = {"id": rec["id"], "text": text, "label": rec["label"], "flags": flags, "source": rec.get("source", "written")}
    if rec.get("tags"):
        out["tags"] = sorted(set(rec["tags"]))
    if rec.get("note"):
        out["note"] = rec["note"]
    return out


class DSU:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, x: int) -> int:
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--test-share", type=float, default=0.22)
    args = ap.parse_args()
    recs: list[dict] = []
    seen_text: set[str] = set()
    seen_sq: set[str] = set()
    dropped = 0
    for path in sorted(RAW.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = resolve(json.loads(line))
            sq = squash(r["text"])
            if r["text"] in seen_text or (sq and sq in seen_sq):
                dropped += 1
                continue
            seen_text.add(r["text"])
            seen_sq.add(sq)
            recs.append(r)
    n = len(recs)
    dsu = DSU(n)
    owner: dict[str, int] = {}
    for i, r in enumerate(recs):
        s = squash_read(r["text"])
        for k in range(len(s) - SHINGLE + 1):
            sh = s[k : k + SHINGLE]
            if sh in owner:
                dsu.union(owner[sh], i)
            else:
                owner[sh] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[dsu.find(i)].append(i)
    label_total = Counter(r["label"] for r in recs)
    target = {lab: args.test_share * c for lab, c in label_total.items()}
    in_test: Counter[str] = Counter()

    def key(g: list[int]) -> str:
        return hashlib.sha256(f"{args.seed}:{recs[g[0]]['id']}".encode()).hexdigest()

    def old_ids(name: str) -> set[str]:
        f = ROOT / "corpora" / name
        if not f.exists():
            return set()
        return {json.loads(x)["id"] for x in f.read_text(encoding="utf-8").splitlines() if x.strip()}

    old_test, old_train = old_ids("test.jsonl"), old_ids("train.jsonl")
    test_idx: set[int] = set()
    fresh_groups = []
    for g in groups.values():
        ids = {recs[i]["id"] for i in g}
        if ids & old_train:
            continue
        if ids & old_test:
            test_idx.update(g)
            in_test.update(Counter(recs[i]["label"] for i in g))
        else:
            fresh_groups.append(g)
    biggest = max(len(g) for g in groups.values())
    for g in sorted(fresh_groups, key=key):
        if len(g) > max(20, 0.02 * n):
            continue  # very large near-duplicate families stay in train
        cnt = Counter(recs[i]["label"] for i in g)
        if all(in_test[lab] + c <= target[lab] + 2 for lab, c in cnt.items()):
            test_idx.update(g)
            in_test.update(cnt)
    train = [r for i, r in enumerate(recs) if i not in test_idx]
    test = [r for i, r in enumerate(recs) if i in test_idx]
    for name, rows in (("train.jsonl", train), ("test.jsonl", test)):
        with open(ROOT / "corpora" / name, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    test_sh = set()
    for r in test:
        sq = squash_read(r["text"])
        test_sh.update(sq[k : k + SHINGLE] for k in range(len(sq) - SHINGLE + 1))
    dev = []
    dev_dropped = 0
    for path in sorted((ROOT / "corpus_src" / "dev").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = resolve(json.loads(line))
            sq = squash_read(r["text"])
            if any(sq[k : k + SHINGLE] in test_sh for k in range(len(sq) - SHINGLE + 1)) or r["text"] in seen_text:
                dev_dropped += 1
                continue
            dev.append(r)
    with open(ROOT / "corpora" / "dev.jsonl", "w", encoding="utf-8") as fh:
        for r in dev:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{n} records ({dropped} duplicates dropped); {len(groups)} groups, largest {biggest}")
    print(f"dev   {len(dev)} ({dev_dropped} dropped for sharing a run with test)")
    print(f"train {len(train)} {dict(Counter(r['label'] for r in train))}")
    print(f"test  {len(test)} {dict(Counter(r['label'] for r in test))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
