#!/usr/bin/env python3
"""Make a perturbed copy of a labelled split with the evasion tricks of DOMAIN.md §4.

Each record gets one trick (in a seeded order, the least-used trick that
changes the record, so every trick is well represented), recorded in ``tags`` as
``perturbed`` and ``perturb:<trick>``; the id gets ``~<trick>``. Every gold
flag span is remapped to the perturbed text and its ``evidence`` is the
perturbed slice, so ``text[start:end] == evidence`` holds exactly. Edits never
cross a flag boundary; characters inserted at a boundary go outside the flag.

Tricks: fullwidth, zero_width (inside Han words), emoji_symbols (between Han
characters), spaces (between Han characters), traditional (OpenCC s2t),
variants (微信 → V信/薇信/vx/…, 支付宝 → 支fu宝/zfb, 转账 → 轉賬, QQ → 扣扣),
cn_numerals (500元 → 五百元 / 伍佰元), circled_digits (138 → ①③⑧ / ➊ / keycaps).

The output is written outside corpora/ (default build/perturbed_test.jsonl,
gitignored); the same input and seed give a byte-identical file.

Usage: python scripts/make_perturbed.py [--input corpora/test.jsonl]
       [--out build/perturbed_test.jsonl] [--seed 5] [--limit N]
Then:  wxscreen eval corpora/test.jsonl build/perturbed_test.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

Op = tuple[int, int, str]  # replace text[a:b] by the string (a == b: insertion before text[a])

TRICKS = (
    "fullwidth", "zero_width", "emoji_symbols", "spaces", "traditional", "variants", "cn_numerals", "circled_digits",
)
_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_SYMBOLS = ("❤", "🌟", "💰", "👉", "·", "*", "~", "-", "/", "😊", "✨", "🔥")
_CIRCLED = {str(d): c for d, c in enumerate("⓪①②③④⑤⑥⑦⑧⑨")}
_DINGBAT = {str(d): c for d, c in enumerate("⓿➊➋➌➍➎➏➐➑➒")}


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _han_gaps(text: str) -> list[int]:
    """Positions i with Han characters on both sides (text[i-1], text[i])."""
    return [i for i in range(1, len(text)) if _is_han(text[i - 1]) and _is_han(text[i])]


def _fullwidth(text: str, rng: random.Random) -> list[Op]:
    ops = []
    for i, ch in enumerate(text):
        if "!" <= ch <= "~":
            ops.append((i, i + 1, chr(ord(ch) + 0xFEE0)))
        elif ch == " ":
            ops.append((i, i + 1, "\u3000"))
    return ops


def _zero_width(text: str, rng: random.Random) -> list[Op]:
    return [(i, i, rng.choice(_INVISIBLE)) for i in _han_gaps(text) if rng.random() < 0.3]


def _emoji_symbols(text: str, rng: random.Random) -> list[Op]:
    return [(i, i, rng.choice(_SYMBOLS)) for i in _han_gaps(text) if rng.random() < 0.2]


def _spaces(text: str, rng: random.Random) -> list[Op]:
    return [(i, i, " ") for i in _han_gaps(text) if rng.random() < 0.8]


_s2t: Callable[[str], str] | None = None


def _traditional(text: str, rng: random.Random) -> list[Op]:
    global _s2t
    if _s2t is None:
        import opencc

        _s2t = opencc.OpenCC("s2t").convert
    conv = _s2t(text)
    if len(conv) != len(text):  # phrase conversion changed the length: go character by character
        conv = "".join(c if len(c := _s2t(ch)) == 1 else ch for ch in text)
    # only characters the normaliser's Traditional→Simplified step maps back (s2t gives 澄 → 澂, which
    # t2s leaves as 澂: a different character, not an evasion of the same text)
    from wxscreen import normalize

    return [
        (i, i + 1, b) for i, (a, b) in enumerate(zip(text, conv, strict=True)) if a != b and normalize(b).text == a
    ]


_VARIANT_WORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    # (canonical word, variants usable anywhere, variants only where no ASCII letter/digit touches the word)
    ("加微信", ("加V信", "加薇信", "加卫星", "加威信", "加绿泡泡"), ("加vx", "加wx", "+v")),
    ("微信", ("V信", "薇信", "威信", "绿泡泡"), ("vx", "wx", "weixin", "VX")),
    ("支付宝", ("支fu宝",), ("zfb", "ZFB")),
    ("转账", ("轉賬", "转帐", "轉帳"), ("zz",)),
    ("QQ号", ("扣扣号", "企鹅号"), ()),
    ("QQ", ("扣扣",), ()),
)
_VARIANT_RE = re.compile("|".join(re.escape(w) for w, _, _ in _VARIANT_WORDS))


def _variants(text: str, rng: random.Random) -> list[Op]:
    table = {w: (a, b) for w, a, b in _VARIANT_WORDS}
    ops = []
    for m in _VARIANT_RE.finditer(text):
        a, b = m.span()
        anywhere, isolated = table[m.group()]
        touching = (a > 0 and text[a - 1].isascii() and text[a - 1].isalnum()) or (
            b < len(text) and text[b].isascii() and text[b].isalnum()
        )
        if m.group() == "微信" and b < len(text) and text[b] in "号":
            anywhere = tuple(v for v in anywhere if v != "绿泡泡")  # 绿泡泡号 is not said
        pool = anywhere + (() if touching else isolated)
        ops.append((a, b, rng.choice(pool)))
    return ops


_AMOUNT = re.compile(r"(?<![0-9.,])[1-9][0-9]{0,7}(?![0-9.,])(?=元|块)")


def _cn_numerals(text: str, rng: random.Random) -> list[Op]:
    import cn2an

    ops = []
    for m in _AMOUNT.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        if before and (before in "之零〇一二两三四五六七八九十百千万亿-~～—–至到" or before.isdigit()):
            continue  # a numeral word, or the upper end of a range (5-30元): rewriting it changes the reading
        mode = "up" if rng.random() < 0.3 else "low"
        ops.append((m.start(), m.end(), cn2an.an2cn(m.group(), mode)))
    return ops


def _circled_digits(text: str, rng: random.Random) -> list[Op]:
    ops = []
    for m in re.finditer(r"[0-9]+", text):
        style = rng.choice(("circled", "dingbat", "keycap"))
        for i in range(m.start(), m.end()):
            d = text[i]
            rep = _CIRCLED[d] if style == "circled" else _DINGBAT[d] if style == "dingbat" else d + "\ufe0f\u20e3"
            ops.append((i, i + 1, rep))
    return ops


_MAKERS: dict[str, Callable[[str, random.Random], list[Op]]] = {
    "fullwidth": _fullwidth, "zero_width": _zero_width, "emoji_symbols": _emoji_symbols, "spaces": _spaces,
    "traditional": _traditional, "variants": _variants, "cn_numerals": _cn_numerals,
    "circled_digits": _circled_digits,
}


def apply_ops(text: str, ops: list[Op], spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Apply non-overlapping edits and remap spans.

    Replacements that cross a span boundary are skipped; insertions at a span
    boundary land outside the span. Returns the new text and the new spans.
    """
    bounds = {p for s, e in spans for p in (s, e)}
    ops = sorted(op for op in ops if not any(op[0] < p < op[1] for p in bounds))
    out: list[str] = []
    start_at = [0] * (len(text) + 1)  # new position where the content of text[i] begins
    end_at = [0] * (len(text) + 1)  # new position right after the content of text[i - 1]
    k = 0
    i = 0
    n = 0
    while i <= len(text):
        end_at[i] = n
        while k < len(ops) and ops[k][0] == i and ops[k][1] == i:  # insertions before text[i]
            out.append(ops[k][2])
            n += len(ops[k][2])
            k += 1
        start_at[i] = n
        if i == len(text):
            break
        if k < len(ops) and ops[k][0] == i:
            a, b, rep = ops[k]
            k += 1
            out.append(rep)
            n += len(rep)
            for j in range(a + 1, b):
                start_at[j] = end_at[j] = start_at[a]
            i = b
            continue
        out.append(text[i])
        n += 1
        i += 1
    return "".join(out), [(start_at[s], end_at[e]) for s, e in spans]


def perturb_record(rec: dict, trick: str, rng: random.Random) -> dict | None:
    """One perturbed copy of a corpus record, or None when the trick changes nothing."""
    text = rec["text"]
    flags = rec.get("flags") or []
    spans = [(f["start"], f["end"]) for f in flags if f.get("start") is not None]
    ops = _MAKERS[trick](text, rng)
    if not ops:
        return None
    new_text, new_spans = apply_ops(text, ops, spans)
    if new_text == text:
        return None
    new_flags = []
    it = iter(new_spans)
    for f in flags:
        g = dict(f)
        if f.get("start") is not None:
            s, e = next(it)
            g["start"], g["end"] = s, e
            g["evidence"] = new_text[s:e]
        new_flags.append(g)
    out = dict(rec)
    out["id"] = f"{rec['id']}~{trick}"
    out["text"] = new_text
    out["flags"] = new_flags
    out["tags"] = list(rec.get("tags") or []) + ["perturbed", f"perturb:{trick}"]
    return out


def make_perturbed(records: list[dict], seed: int = 5) -> list[dict]:
    """Perturb every record with one trick.

    Records are visited in a seeded order; each gets, among the tricks that
    change it, the one used least so far (ties: round-robin order), so rare
    tricks (variant words, amounts) go to every record that has room for them.
    """
    rng = random.Random(seed)
    order = list(range(len(records)))
    rng.shuffle(order)
    used = dict.fromkeys(TRICKS, 0)
    out: list[dict | None] = [None] * len(records)
    for k, idx in enumerate(order):
        rec = records[idx]
        options = {}
        for trick in TRICKS:
            p = perturb_record(rec, trick, random.Random(f"{seed}:{rec['id']}:{trick}"))
            if p is not None:
                options[trick] = p
        if options:
            best = min(options, key=lambda t: (used[t], (TRICKS.index(t) - k) % len(TRICKS)))
            used[best] += 1
            out[idx] = options[best]
    return [r for r in out if r is not None]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", default=str(ROOT / "corpora" / "test.jsonl"))
    ap.add_argument("--out", default=str(ROOT / "build" / "perturbed_test.jsonl"))
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None, help="only the first N records (for tests)")
    args = ap.parse_args(argv)
    out_path = Path(args.out).resolve()
    if (ROOT / "corpora") in out_path.parents:
        ap.error("write the perturbed set outside corpora/ (e.g. build/perturbed_test.jsonl)")
    lines = Path(args.input).read_text("utf-8").splitlines()
    records = [json.loads(x) for x in lines if x.strip()][: args.limit]
    pert = make_perturbed(records, args.seed)
    for r in pert:
        for f in r["flags"]:
            if f.get("start") is not None:
                assert r["text"][f["start"] : f["end"]] == f["evidence"], r["id"]
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pert), "utf-8")
    counts: dict[str, int] = {}
    for r in pert:
        t = r["tags"][-1].split(":", 1)[1]
        counts[t] = counts.get(t, 0) + 1
    print(f"{len(pert)} of {len(records)} records perturbed -> {out_path}")
    print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
