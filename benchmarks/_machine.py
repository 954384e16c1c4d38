"""The machine a benchmark ran on (shared by the benchmark scripts)."""
from __future__ import annotations

import os
import platform


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo, else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, object]:
    """Cores, CPU model and Python version."""
    return {"cores": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version()}
