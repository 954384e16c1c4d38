#!/usr/bin/env python3
"""Apply annotation-audit corrections to the authors' batches in corpus_src/raw.

Usage: python scripts/apply_audit.py FIXES.jsonl [...]

Each line: {"id", "label", "flags": [{"kind", "detail", "evidence"}], "tags", "why"}.
The record keeps its text and source; its note records the audit. Every
correction is also appended to corpus_src/audit/log.jsonl for provenance.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(paths: list[str]) -> int:
    fixes = {}
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if line.strip():
                f = json.loads(line)
                fixes[f["id"]] = f
    applied = 0
    for batch in sorted((ROOT / "corpus_src").glob("*/*.jsonl")):
        if batch.parent.name == "audit":
            continue
        rows = [json.loads(x) for x in batch.read_text(encoding="utf-8").splitlines() if x.strip()]
        changed = False
        for r in rows:
            f = fixes.get(r["id"])
            if f is None:
                continue
            for fl in f["flags"]:
                if fl["evidence"] not in r["text"]:
                    raise SystemExit(f"{r['id']}: evidence {fl['evidence']!r} not in text")
            r["label"] = f["label"]
            keys = ("kind", "detail", "evidence", "occurrence")
            r["flags"] = [{k: fl[k] for k in keys if k in fl} for fl in f["flags"]]
            r["tags"] = f.get("tags", r.get("tags", []))
            r["note"] = (r.get("note", "") + f" [audited {dt.date.today().isoformat()}: {f.get('why', '')}]").strip()
            changed = True
            applied += 1
        if changed:
            batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    log = ROOT / "corpus_src" / "audit" / "log.jsonl"
    log.parent.mkdir(exist_ok=True)
    with open(log, "a", encoding="utf-8") as fh:
        for f in fixes.values():
            fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    print(f"applied {applied} of {len(fixes)} corrections")
    return 0 if applied == len(fixes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
