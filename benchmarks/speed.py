#!/usr/bin/env python3
"""Speed and memory of wxscreen next to jieba alone, in one process run.

Measures (README "Performance" section):
* throughput: classify_many over the test split repeated to >= 5,000 messages
  vs jieba.lcut (jieba's default tokenizer, warmed up) over the same messages;
* latency: single classify() p50/p95/p99 on warm state, short (<= 30 chars) and
  long (>= 200 chars) messages;
* cold start: fresh subprocess `import wxscreen; wxscreen.classify(...)` vs
  `import jieba; jieba.initialize()` (median of 5);
* memory: peak RSS of a fresh process after loading and after one
  classify_many of 10,000 messages; model size on disk;
* scaling: time per message at 1 KB, 10 KB, 100 KB, 1 MB; throughput of a
  2-process pool vs 1 process.

Wall-clock figures depend on what else runs on the machine, so CPU time
(user + system of the measuring process or of the subprocess) is reported
beside them; the ratios against jieba use the same kind of time on both sides.
Cold start uses the per-user caches (jieba dictionary, detector prefilter,
model arrays; see README) as a second run would: the first run of the
command fills them.

Usage: python benchmarks/speed.py [--json FILE] [--md FILE]
(default: benchmarks/results/speed.json and speed.md)
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import _machine  # benchmarks/_machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]


def cold(cmd: str, n: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds of ``n`` fresh interpreters running ``cmd`` (after one warm-up run)."""
    subprocess.run([sys.executable, "-c", cmd], check=True, capture_output=True)  # fills the caches
    walls, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", cmd], check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def timed(fn: object, *args: object) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    c, t = time.process_time(), time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - t, time.process_time() - c


MEMORY_SNIPPET = """
import json, resource, sys
import wxscreen
from wxscreen.training import load_corpus
s = wxscreen.load_screener()
s.classify("请尽快还款")
after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
texts = [r.text for r in load_corpus(sys.argv[1])]
s.classify_many((texts * 10)[:10000])
print(json.dumps([after_load, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))
"""


def memory() -> tuple[float, float]:
    """Peak RSS (MB) of a fresh process after loading, and after one classify_many of 10,000 messages."""
    res = subprocess.run(
        [sys.executable, "-c", MEMORY_SNIPPET, str(ROOT / "corpora" / "test.jsonl")],
        check=True, capture_output=True, text=True,
    )
    a, b = json.loads(res.stdout.strip().splitlines()[-1])
    return round(a, 1), round(b, 1)


_WORKER = None


def _init_worker() -> None:
    global _WORKER
    import wxscreen

    _WORKER = wxscreen.load_screener()
    _WORKER.classify_many(["请尽快还款"])


def _work(chunk: list[str]) -> int:
    return len(_WORKER.classify_many(chunk))  # type: ignore[union-attr]



def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "speed.json"))
    ap.add_argument("--md", default=str(ROOT / "benchmarks" / "results" / "speed.md"))
    args = ap.parse_args()
    out: dict[str, Any] = {}
    wall, cpu = cold("import wxscreen; wxscreen.classify('请尽快还款')")
    out["cold_start_wxscreen_s"] = {"wall": round(wall, 3), "cpu": round(cpu, 3)}
    wall, cpu = cold("import jieba, logging; jieba.setLogLevel(logging.WARNING); jieba.initialize()")
    out["cold_start_jieba_s"] = {"wall": round(wall, 3), "cpu": round(cpu, 3)}
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    import wxscreen
    from wxscreen.training import load_corpus

    texts = [r.text for r in load_corpus(ROOT / "corpora" / "test.jsonl")]
    batch = (texts * (5000 // len(texts) + 1))[:5000]
    s = wxscreen.load_screener()
    s.classify_many(batch[:50])
    out["rss_after_load_mb"], out["rss_after_10k_mb"] = memory()  # own process: jieba's global dictionary not counted
    jieba.lcut("预热")
    s.classify_many(batch[:1000])  # warm: every detector regex a test message needs is compiled

    def jieba_all() -> None:
        for x in batch:
            jieba.lcut(x)

    jw, jc = timed(jieba_all)
    ww, wc = timed(s.classify_many, batch)
    out["throughput_msg_s"] = {
        "wxscreen": {"wall": round(len(batch) / ww), "cpu": round(len(batch) / wc)},
        "jieba": {"wall": round(len(batch) / jw), "cpu": round(len(batch) / jc)},
        "ratio": {"wall": round(jw / ww, 3), "cpu": round(jc / wc, 3)},
    }
    pools = {"short": [x for x in texts if len(x) <= 30], "upto200": [x for x in texts if len(x) <= 200],
             "long": [x for x in texts if len(x) >= 200]}
    for name, pool in pools.items():
        lat, lat_cpu = [], []
        for x in (pool * (300 // max(1, len(pool)) + 1))[:300]:
            w, c = timed(s.classify, x)
            lat.append(w * 1000)
            lat_cpu.append(c * 1000)
        q = statistics.quantiles(lat, n=100)
        qc = statistics.quantiles(lat_cpu, n=100)
        out[f"latency_{name}_ms"] = {
            "p50": round(q[49], 3), "p95": round(q[94], 3), "p99": round(q[98], 3),
            "cpu_p50": round(qc[49], 3), "cpu_p99": round(qc[98], 3),
        }
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
        w, c = timed(s.classify, x)
        scaling[f"{n // 1000}k_chars_s"] = {"wall": round(w, 3), "cpu": round(c, 3)}
        screened = min(n, wxscreen.MAX_MESSAGE_CHARS)  # longer input is cut (truncated=True)
        per_kb[f"{n // 1000}k_chars"] = round(c * 1000 / (screened / 1000), 2)
    out["scaling"] = scaling
    out["scaling_cpu_ms_per_screened_kchar"] = per_kb
    import multiprocessing as mp

    chunks = [batch[i : i + 250] for i in range(0, len(batch), 250)]
    ctx = mp.get_context("spawn")
    rates = {}
    for procs in (1, 2):
        with ctx.Pool(procs, initializer=_init_worker) as pool:
            pool.map(_work, chunks[:procs], chunksize=1)  # workers loaded and warm
            t = time.perf_counter()
            done = sum(pool.map(_work, chunks, chunksize=1))
            rates[procs] = done / (time.perf_counter() - t)
    out["pool_msg_s"] = {"1_process": round(rates[1]), "2_processes": round(rates[2]),
                         "speedup": round(rates[2] / rates[1], 2)}
    out["machine"] = {**_machine.machine(),
                      "load_average_1min": round(os.getloadavg()[0], 2)}
    out["date"] = time.strftime("%Y-%m-%d")
    tp = out["throughput_msg_s"]
    cw, cj = out["cold_start_wxscreen_s"], out["cold_start_jieba_s"]
    lines = [
        "| measure | wxscreen | jieba alone | ratio (target) |",
        "|---|---|---|---|",
        f"| throughput, messages/s ({len(batch)} test messages), wall / CPU | {tp['wxscreen']['wall']} / "
        f"{tp['wxscreen']['cpu']} | {tp['jieba']['wall']} / {tp['jieba']['cpu']} | {tp['ratio']['wall']} / "
        f"{tp['ratio']['cpu']} (≥ 0.8) |",
        f"| cold start, s (median of 5), wall / CPU | {cw['wall']:.2f} / {cw['cpu']:.2f} | {cj['wall']:.2f} / "
        f"{cj['cpu']:.2f} | {cw['wall'] / cj['wall']:.2f} / {cw['cpu'] / cj['cpu']:.2f} (≤ 1.3) |",
    ]
    for name, label in (("short", "≤ 30 chars"), ("upto200", "≤ 200 chars"), ("long", "≥ 200 chars")):
        q = out[f"latency_{name}_ms"]
        target = " (p50 ≤ 1, p99 ≤ 5)" if name != "long" else ""
        lines.append(
            f"| latency {label}, p50 / p95 / p99 ms (CPU p50 / p99) | {q['p50']} / {q['p95']} / {q['p99']} "
            f"({q['cpu_p50']} / {q['cpu_p99']}) | |{target} |"
        )
    pm = out["pool_msg_s"]
    lines += [
        f"| peak RSS after load / after 10,000 messages (MB) | {out['rss_after_load_mb']} / "
        f"{out['rss_after_10k_mb']} | | (≤ 300) |",
        f"| model on disk (MB) / lexicons and detectors (KB) | {out['model_size_mb']} / {out['lexicon_size_kb']} "
        "| | (model ≤ 10 MB) |",
        "| one message of 1 KB / 10 KB / 100 KB / 1 MB, s wall | "
        + " / ".join(str(v["wall"]) for v in scaling.values()) + " | | |",
        "| CPU ms per 1,000 screened characters at 1 KB / 10 KB / 100 KB / 1 MB (1 MB is cut at "
        f"{wxscreen.MAX_MESSAGE_CHARS:,}) | " + " / ".join(str(v) for v in per_kb.values()) + " | | |",
        f"| 2-process pool vs 1 process, messages/s | {pm['2_processes']} vs {pm['1_process']} | | "
        f"{pm['speedup']}× |",
        "",
        f"_{out['date']}, {out['machine']['cores']} cores, {out['machine']['cpu']}, Python "
        f"{out['machine']['python']}, 1-minute load average {out['machine']['load_average_1min']} "
        "(a shared machine: compare the CPU columns); `python benchmarks/speed.py`._",
    ]
    md = "\n".join(lines)
    print(md)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")
    Path(args.md).write_text(md + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
