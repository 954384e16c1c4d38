"""Precision and recall of the entity extractor on the annotated fixture set.

Usage: ``python scripts/eval_entities.py [tests/fixtures/entities.jsonl] [--errors]``

Each fixture record is ``{"id", "text", "now", "entities": [{"type", "start",
"end", "value"}]}`` with offsets into ``text`` (LABELS.md §3; span conventions
in ``src/wxscreen/_entities.py``). Extraction runs with ``mask=False`` and the
record's ``now``.

Matching rule: a predicted entity is a true positive when an unmatched gold
entity has the same ``type``, the same ``start`` and ``end`` (exact span) and
an equal ``value``: numbers within 1e-6, ranges element by element, deadlines
as ISO-8601 strings (``None`` equals ``null``), strings exactly. Each gold
entity matches at most one prediction. Per type, precision = TP / predicted
and recall = TP / gold (1.0 when the denominator is 0).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "tests" / "fixtures" / "entities.jsonl"
TYPES = ("amount", "overdue_days", "deadline", "lender", "phone", "bank_card", "id_number",
         "account_handle", "url", "case_number")


def _norm(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return tuple(_norm(x) for x in v)
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return round(float(v), 6)
    return v


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(records: list[dict[str, Any]]) -> tuple[dict[str, dict[str, float]], list[str]]:
    from wxscreen._entities import extract_entities

    tp = dict.fromkeys(TYPES, 0)
    npred = dict.fromkeys(TYPES, 0)
    ngold = dict.fromkeys(TYPES, 0)
    errors: list[str] = []
    for rec in records:
        now = dt.datetime.fromisoformat(rec["now"]) if rec.get("now") else None
        pred = extract_entities(rec["text"], now=now, mask=False)
        gold = [(g["type"], g["start"], g["end"], _norm(g["value"])) for g in rec["entities"]]
        left = list(gold)
        for p in pred:
            key = (p["type"], p["start"], p["end"], _norm(p["value"]))
            npred[p["type"]] += 1
            if key in left:
                left.remove(key)
                tp[p["type"]] += 1
            else:
                errors.append(f"{rec['id']} FP {key} {rec['text'][p['start']:p['end']]!r}")
        for g in gold:
            ngold[g[0]] += 1
        for g in left:
            errors.append(f"{rec['id']} FN {g} {rec['text'][g[1]:g[2]]!r}")
    table = {}
    for t in TYPES:
        table[t] = {
            "precision": tp[t] / npred[t] if npred[t] else 1.0,
            "recall": tp[t] / ngold[t] if ngold[t] else 1.0,
            "gold": ngold[t],
            "predicted": npred[t],
        }
    return table, errors


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT
    records = load(path)
    table, errors = score(records)
    print(f"{path.name}: {len(records)} messages")
    print("| entity type | precision | recall | gold | predicted |")
    print("|---|---|---|---|---|")
    for t, row in table.items():
        print(f"| {t} | {row['precision']:.3f} | {row['recall']:.3f} | {row['gold']} | {row['predicted']} |")
    if "--errors" in argv:
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
