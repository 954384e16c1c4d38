#!/usr/bin/env python3
"""CPU time per message of each pipeline stage, over the test split repeated to 5,000 messages.

Prints one line per stage (normalise, tokenise, label features, predict_proba,
learned flagger, detectors + flags, entities) and the whole ``classify_many``,
in CPU milliseconds per message (mean of two passes). Run it on a quiet machine;
it is the profile behind the README's "where the time goes" table.

Usage: python benchmarks/stages.py
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import wxscreen
    from wxscreen._normalize import normalize
    from wxscreen.training import load_corpus

    texts = [r.text for r in load_corpus(ROOT / "corpora" / "test.jsonl")]
    batch = (texts * (5000 // len(texts) + 1))[:5000]
    s = wxscreen.load_screener()
    s.classify_many(batch[:1000])  # warm caches
    b = s.bundle
    cpu: dict[str, float] = defaultdict(float)

    def timed(name: str, fn: Callable[..., Any], *a: Any) -> Any:
        t = time.process_time()
        r = fn(*a)
        cpu[name] += time.process_time() - t
        return r

    for _ in range(2):
        for i in range(0, len(batch), 1024):
            chunk = batch[i : i + 1024]
            norms = timed("normalise", lambda c=chunk: [normalize(x) for x in c])
            nt = [n.text for n in norms]
            timed("tokenise (jieba, ours)", lambda ts=nt: [b.tokenizer(t) for t in ts])
            X = timed("label features (tokens + TF-IDF)", b.transform, nt, [n.invisible_in_words for n in norms])
            timed("predict_proba", b.predict_proba, X)
            preds = timed("learned flagger", b.flagger.predict, nt)
            for j, n in enumerate(norms):
                timed("detectors + flags", s._flags, n, None, preds[j])
            timed("entities", lambda ns=norms: [s._entities(n.raw, None) for n in ns])
        t = time.process_time()
        s.classify_many(batch)
        cpu["TOTAL classify_many"] += time.process_time() - t
    for k, v in cpu.items():
        print(f"{k:36s} {v / 2 * 1000 / len(batch):.3f} ms/message (CPU)")


if __name__ == "__main__":
    main()
