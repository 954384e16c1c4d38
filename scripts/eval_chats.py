#!/usr/bin/env python3
"""Score ``wxscreen.screen_chat`` on the chat fixture set (tests/fixtures/chats).

Reports exact segmentation (message spans, speakers, depth, record, quote and
time all equal to the gold), borrower identification (given or inferred),
per-message label accuracy (all messages, and the other side's messages only,
since the borrower's own are ``other`` by rule), and chat verdict accuracy
(the worst gold label of the messages not written by the gold borrower).
Inferred borrowers left undecided (``borrower`` None, ``borrower_guess`` set)
are counted apart: right when the gold borrower is null too.

Usage: python scripts/eval_chats.py [--dir tests/fixtures/chats] [--json] [--errors]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["possible_scam", "suspicious", "negotiation_offer", "collection_notice", "other"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=str(ROOT / "tests" / "fixtures" / "chats"))
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--errors", action="store_true", help="list every message whose label differs from the gold")
    args = ap.parse_args(argv)

    import wxscreen

    screener = wxscreen.load_screener(mask_identifiers=False)
    paths = sorted(Path(args.dir).glob("*.json"))
    seg_ok = borrower_ok = verdict_ok = 0
    inferred_n = inferred_ok = 0
    uncertain: list[str] = []
    n_msg = n_ok = n_side = n_side_ok = 0
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    for path in paths:
        gold = json.loads(path.read_text("utf-8"))
        text = path.with_suffix(".txt").read_bytes().decode("utf-8")
        now = dt.datetime.fromisoformat(gold["now"]) if gold.get("now") else None
        res = wxscreen.screen_chat(text, me=gold.get("me"), now=now, screener=screener)
        want = gold["messages"]
        pos, spans = 0, []
        for m in want:
            a = text.index(m["text"], pos)
            spans.append((a, a + len(m["text"])))
            pos = a + len(m["text"])
        got_q = [(m.quote.speaker, text[m.quote.start : m.quote.end]) if m.quote else None for m in res.messages]
        want_q = [(m["quote"]["speaker"], m["quote"]["text"]) if m["quote"] else None for m in want]
        seg = (
            [(m.start, m.end) for m in res.messages] == spans
            and [m.speaker for m in res.messages] == [m["speaker"] for m in want]
            and [m.depth for m in res.messages] == [m["depth"] for m in want]
            and [m.record for m in res.messages] == [m["record"] for m in want]
            and [m.time.isoformat() if m.time else None for m in res.messages] == [m["time"] for m in want]
            and got_q == want_q
        )
        seg_ok += seg
        borrower_ok += res.borrower == gold["borrower"]
        if res.borrower_guess is not None:
            uncertain.append(f"{gold['id']} (gold {gold['borrower']}, guess {res.borrower_guess})")
        if gold.get("me") is None and gold["borrower"] is not None:
            inferred_n += 1
            inferred_ok += res.borrower == gold["borrower"]
        side = [m["label"] for m in want if m["speaker"] is None or m["speaker"] != gold["borrower"]]
        gold_verdict = min(side, key=ORDER.index) if side else "other"
        verdict_ok += res.label.value == gold_verdict
        if not seg:
            errors.append({"chat": gold["id"], "error": "segmentation"})
            continue
        for i, (m, g) in enumerate(zip(res.messages, want, strict=True)):
            pred, lab = m.screening.label.value, g["label"]
            confusion[(lab, pred)] += 1
            n_msg += 1
            n_ok += pred == lab
            if g["speaker"] is None or g["speaker"] != gold["borrower"]:
                n_side += 1
                n_side_ok += pred == lab
            if pred != lab:
                errors.append({"chat": gold["id"], "message": i, "speaker": g["speaker"], "gold": lab, "pred": pred})
    figures = {
        "chats": len(paths),
        "segmentation_exact": seg_ok,
        "borrower_correct": borrower_ok,
        "borrower_inferred_correct": f"{inferred_ok}/{inferred_n}",
        "borrower_uncertain": uncertain,
        "messages": n_msg,
        "label_accuracy": round(n_ok / n_msg, 4) if n_msg else None,
        "other_side_messages": n_side,
        "other_side_label_accuracy": round(n_side_ok / n_side, 4) if n_side else None,
        "verdict_accuracy": round(verdict_ok / len(paths), 4) if paths else None,
    }
    if args.json:
        sys.stdout.write(json.dumps({**figures, "errors": errors}, ensure_ascii=False) + "\n")
        return 0
    out = sys.stdout
    out.write(f"chats: {len(paths)}\n")
    out.write(f"segmentation exact: {seg_ok}/{len(paths)}\n")
    out.write(f"borrower correct: {borrower_ok}/{len(paths)} (inferred, no --me: {inferred_ok}/{inferred_n})\n")
    out.write(f"borrower left uncertain: {len(uncertain)}" + (f" ({'; '.join(uncertain)})" if uncertain else "") + "\n")
    out.write(f"per-message label accuracy: {n_ok}/{n_msg} = {figures['label_accuracy']}\n")
    out.write(f"  other side's messages only: {n_side_ok}/{n_side} = {figures['other_side_label_accuracy']}\n")
    out.write(f"chat verdict accuracy: {verdict_ok}/{len(paths)} = {figures['verdict_accuracy']}\n")
    out.write("confusion (gold -> predicted, counts):\n")
    for lab in ORDER:
        row = "  ".join(f"{confusion[(lab, p)]:>3}" for p in ORDER)
        out.write(f"  {lab:<18} {row}\n")
    out.write(f"  {'':<18} " + "  ".join(p[:3] for p in ORDER) + "\n")
    if args.errors:
        for e in errors:
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
