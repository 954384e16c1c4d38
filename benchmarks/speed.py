#!/usr/bin/env python3
"""Speed and memory of wxscreen next to jieba alone, in one process run.

Measures (README "Performance" section):
* throughput: classify_many over the test split repeated to >= 5,000 messages
  vs jieba.lcut (jieba's default tokenizer, warmed up) over the same messages;
* latency: single classify() p50/p95/p99 on warm state, short (<= 30 chars) and
  long (>= 200 chars) messages;
* cold start: fresh subprocess `import wxscreen; wxscreen.classify(...)` vs
  `import jieba; jieba.initialize()` (median of 5);
* memory: peak RSS after loading and after 10,000 messages; model size on disk;
* scaling: time per message at 1 KB, 10 KB, 100 KB, 1 MB, and per 1,000 screened
  characters (input beyond wxscreen.MAX_MESSAGE_CHARS is cut, truncated=True).

Usage: python benchmarks/speed.py [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold(cmd: str, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", cmd], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    out: dict[str, object] = {}
    out["cold_start_wxscreen_s"] = cold("import wxscreen; wxscreen.classify('请尽快还款')")
    out["cold_start_jieba_s"] = cold("import jieba, logging; jieba.setLogLevel(logging.WARNING); jieba.initialize()")
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    import wxscreen
    from wxscreen.training import load_corpus

    texts = [r.text for r in load_corpus(ROOT / "corpora" / "test.jsonl")]
    batch = (texts * (5000 // len(texts) + 1))[:5000]
    s = wxscreen.load_screener()
    s.classify_many(batch[:50])
    out["rss_after_load_mb"] = round(rss_mb(), 1)
    jieba.lcut("预热")
    t = time.perf_counter()
    for x in batch:
        jieba.lcut(x)
    jieba_rate = len(batch) / (time.perf_counter() - t)
    t = time.perf_counter()
    s.classify_many(batch)
    wx_rate = len(batch) / (time.perf_counter() - t)
    out["throughput_wxscreen_msg_s"] = round(wx_rate)
    out["throughput_jieba_msg_s"] = round(jieba_rate)
    out["throughput_ratio"] = round(wx_rate / jieba_rate, 3)
    for name, pool in (("short", [x for x in texts if len(x) <= 30]), ("long", [x for x in texts if len(x) >= 200])):
        lat = []
        for x in (pool * (300 // max(1, len(pool)) + 1))[:300]:
            t = time.perf_counter()
            s.classify(x)
            lat.append((time.perf_counter() - t) * 1000)
        q = statistics.quantiles(lat, n=100)
        out[f"latency_{name}_ms"] = {"p50": round(q[49], 3), "p95": round(q[94], 3), "p99": round(q[98], 3)}
    s.classify_many((texts * 10)[:10000])
    out["rss_after_10k_mb"] = round(rss_mb(), 1)
    model_dir = ROOT / "src" / "wxscreen" / "data"
    out["model_size_mb"] = round(sum(f.stat().st_size for f in (model_dir / "model").iterdir()) / 2**20, 2)
    out["lexicon_size_kb"] = round(
        sum(f.stat().st_size for d in ("lexicons", "detectors") for f in (model_dir / d).iterdir()) / 1024, 1
    )
    base = "张先生您好，您在星河消费金融的借款已逾期15天，应还3,526.40元，请尽快登录APP还款。"
    scaling = {}
    per_kb = {}
    for n in (1_000, 10_000, 100_000, 1_000_000):
        x = (base * (n // len(base) + 1))[:n]
        t = time.perf_counter()
        r = s.classify(x)
        dt = time.perf_counter() - t
        scaling[f"{n // 1000}k_chars_s"] = round(dt, 3)
        screened = min(n, wxscreen.MAX_MESSAGE_CHARS)
        per_kb[f"{n // 1000}k_chars"] = {
            "ms_per_screened_kchar": round(dt * 1000 / (screened / 1000), 2), "truncated": r.truncated,
        }
    out["scaling_per_kchar"] = per_kb
    out["scaling"] = scaling
    out["machine"] = {"cores": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version()}
    out["date"] = time.strftime("%Y-%m-%d")
    lines = [
        "| measure | wxscreen | jieba alone | ratio |",
        "|---|---|---|---|",
        f"| throughput (messages/s, {len(batch)} test messages) | {out['throughput_wxscreen_msg_s']} | "
        f"{out['throughput_jieba_msg_s']} | {out['throughput_ratio']} |",
        f"| cold start (s, median of 5) | {out['cold_start_wxscreen_s']:.2f} | {out['cold_start_jieba_s']:.2f} | "
        f"{out['cold_start_wxscreen_s'] / out['cold_start_jieba_s']:.2f} |",  # type: ignore[operator]
    ]
    for name in ("short", "long"):
        q = out[f"latency_{name}_ms"]  # type: ignore[assignment]
        lines.append(f"| latency {name} p50 / p95 / p99 (ms) | {q['p50']} / {q['p95']} / {q['p99']} | | |")
    lines += [
        f"| peak RSS after load / after 10,000 messages (MB) | {out['rss_after_load_mb']} / "
        f"{out['rss_after_10k_mb']} | | |",
        f"| model on disk (MB) / lexicons and detectors (KB) | {out['model_size_mb']} / {out['lexicon_size_kb']} | | |",
        "| time per message at 1 KB / 10 KB / 100 KB / 1 MB (s) | "
        + " / ".join(str(v) for v in scaling.values()) + " | | |",
        "| ms per 1,000 screened characters at 1 KB / 10 KB / 100 KB / 1 MB (1 MB is cut at "
        f"{wxscreen.MAX_MESSAGE_CHARS:,}) | "
        + " / ".join(str(v["ms_per_screened_kchar"]) for v in per_kb.values()) + " | | |",
        "",
        f"_{out['date']}, {out['machine']['cores']} cores, {out['machine']['cpu']}, Python "  # type: ignore[index]
        f"{out['machine']['python']}; `python benchmarks/speed.py`._",  # type: ignore[index]
    ]
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
