#!/usr/bin/env python3
"""Check a raw corpus batch written by a corpus author (before spans are resolved).

Usage: python scripts/corpus_raw_check.py corpora/raw/FILE.jsonl [...]

Raw record format (one JSON object per line):
  {"id": "...", "text": "...", "label": "...",
   "flags": [{"kind": "...", "detail": "...", "evidence": "exact substring of text"}],
   "tags": ["hard_negative", "obfuscated", ...], "source": "written", "note": "..."}

`evidence` must occur in `text`; the build step turns it into start/end offsets
(the first occurrence, or the n-th when the flag carries "occurrence": n, 1-based).
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

LABELS = {"possible_scam", "suspicious", "negotiation_offer", "collection_notice", "other"}
FLAGS = {
    "personal_data_request": {"verification_code", "password", "id_number", "bank_card", "face_scan",
                              "screen_share", "contacts", "address", "id_photo", "other_data"},
    "unofficial_transfer": {"personal_account", "designated_account", "safe_account", "qr_code",
                            "wechat_transfer", "alipay_personal", "third_party", "cash_or_card"},
    "threat": {"contacts_blast", "family_or_work", "violence", "home_visit", "fake_legal", "shaming"},
    "impersonation": {"police", "court", "regulator", "lawyer", "platform_staff"},
    "off_platform": {"other_chat", "link", "app_download"},
    "advance_fee": {"fee", "deposit", "proof_of_funds"},
    "borrow_to_repay": {"other_lender"},
}
TAGS = {"hard_negative", "obfuscated", "traditional", "fullwidth", "zero_width", "emoji",
        "homophone", "chinese_numerals", "spaced", "long", "short", "chat_style", "sms_style",
        "wecom", "borrower", "reported_speech", "warning", "boundary"}
SECRET = {"verification_code", "password", "screen_share", "face_scan"}


def luhn_ok(d: str) -> bool:
    t = 0
    for i, ch in enumerate(reversed(d)):
        x = int(ch)
        if i % 2:
            x = x * 2 - 9 if x > 4 else x * 2
        t += x
    return t % 10 == 0


def check(path: Path) -> int:
    errs = 0
    ids = set()
    texts = set()
    n = 0
    for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        n += 1
        where = f"{path}:{ln}"
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"{where}: not JSON: {e}")
            errs += 1
            continue
        def bad(msg: str) -> None:
            nonlocal errs
            errs += 1
            print(f"{where} ({r.get('id')}): {msg}")  # noqa: B023
        for k in ("id", "text", "label", "flags", "source"):
            if k not in r:
                bad(f"missing {k}")
        if any(k not in r for k in ("id", "text", "label", "flags")):
            continue
        if r["id"] in ids:
            bad("duplicate id")
        ids.add(r["id"])
        t = r["text"]
        if not isinstance(t, str) or not t.strip():
            bad("empty text")
            continue
        if t in texts:
            bad("exact duplicate text")
        texts.add(t)
        if r["label"] not in LABELS:
            bad(f"unknown label {r['label']}")
        for tag in r.get("tags", []):
            if tag not in TAGS:
                bad(f"unknown tag {tag} (allowed: {sorted(TAGS)})")
        details = set()
        for f in r["flags"]:
            k, d, ev = f.get("kind"), f.get("detail"), f.get("evidence")
            if k not in FLAGS:
                bad(f"unknown flag kind {k}")
                continue
            if d not in FLAGS[k]:
                bad(f"kind {k} has no detail {d}; allowed {sorted(FLAGS[k])}")
            if not isinstance(ev, str) or not ev or ev not in t:
                bad(f"evidence {ev!r} is not a substring of text")
            if k == "personal_data_request":
                details.add(d)
        kinds = {f.get("kind") for f in r["flags"]}
        if "unofficial_transfer" in kinds and r["label"] != "possible_scam":
            bad("unofficial_transfer requires possible_scam")
        if (details & SECRET or {"bank_card", "id_number"} <= details) and r["label"] != "possible_scam":
            bad("this personal_data_request requires possible_scam")
        elif details and r["label"] not in {"possible_scam", "suspicious"}:
            bad("personal_data_request requires at least suspicious")
        if "hard_negative" in r.get("tags", []) and r["flags"]:
            bad("a hard_negative must carry no flags")
        plain = unicodedata.normalize("NFKC", t)
        if re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", plain):
            bad("unmasked 11-digit mobile number: write 138****0000")
        for m in re.finditer(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)", plain):
            dg = re.sub(r"\D", "", m.group())
            if 16 <= len(dg) <= 19 and luhn_ok(dg):
                bad("card-like number passes Luhn: mask it (6222 **** **** 1234)")
        if re.search(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])", plain):
            bad("18-character ID-like number: mask it")
    print(f"{path}: {n} records, {errs} problems")
    return errs


if __name__ == "__main__":
    total = sum(check(Path(p)) for p in sys.argv[1:])
    sys.exit(1 if total else 0)
