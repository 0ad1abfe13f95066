"""What machine a benchmark ran on, printed with its figures (run as `python benchmarks/<name>.py`)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe() -> str:
    """Platform, CPU model, core count, memory and Python version, on one line."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"; {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.platform()}; {cpu}; {os.cpu_count()} CPUs{memory}; Python {platform.python_version()}"
