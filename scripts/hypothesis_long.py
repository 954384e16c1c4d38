"""Run the Hypothesis long profile of tests/test_properties.py and count the examples.

Same tests as ``HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py``,
run directly so each property's number of examples, longest input and result
can be reported (README "Robustness"). Progress goes to a JSON file.

Usage: python scripts/hypothesis_long.py [--progress FILE]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--progress", default=str(ROOT / "build" / "hypothesis_long.json"))
    args = ap.parse_args()
    os.environ["HYPOTHESIS_PROFILE"] = "long"
    spec = importlib.util.spec_from_file_location("test_properties", ROOT / "tests" / "test_properties.py")
    assert spec is not None and spec.loader is not None
    tp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tp)
    import wxscreen

    progress: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S")}
    Path(args.progress).parent.mkdir(parents=True, exist_ok=True)

    def dump() -> None:
        progress["at"] = time.strftime("%H:%M:%S")
        Path(args.progress).write_text(json.dumps(progress), "utf-8")

    class Count:
        def __init__(self, name, fn):
            self.name, self.fn = name, fn
            progress[name] = {"examples": 0, "max_len": 0}

        def __call__(self, text):
            st = progress[self.name]
            st["examples"] += 1
            st["max_len"] = max(st["max_len"], len(text))
            if st["examples"] % 1000 == 0:
                dump()
            return self.fn(text)

    screener = wxscreen.load_screener(mask_identifiers=False)

    class Proxy:
        def __init__(self, name):
            self.classify = Count(name, screener.classify)

    tp.normalize = Count("normalize_offsets", wxscreen.normalize)
    jobs = [
        ("normalize_offsets", lambda: tp.test_normalize_offsets_are_valid()),
        ("any_text", lambda: tp.test_any_text_gives_a_valid_screening(raw_screener=Proxy("any_text"))),
        ("long_text", lambda: tp.test_long_text_gives_a_valid_screening(raw_screener=Proxy("long_text"))),
    ]
    failed = False
    for name, job in jobs:
        t = time.time()
        try:
            job()
            progress[name]["result"] = "passed"
        except BaseException as exc:  # report, keep going
            failed = True
            progress[name]["result"] = "FAILED: " + "".join(traceback.format_exception_only(type(exc), exc))[-2000:]
        progress[name]["seconds"] = round(time.time() - t)
        dump()
        print(name, progress[name])
    progress["done"] = True
    dump()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
