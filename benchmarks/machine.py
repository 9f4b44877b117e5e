"""One line saying what a benchmark ran on: the same VM kind has come with different CPUs
(an Intel Xeon one day, an AMD EPYC another, about twice as fast), and how busy it was
changes the figures as much."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ""
    if hasattr(os, "getloadavg"):  # how busy: the run queue over 1, 5 and 15 minutes
        load = ", load " + " ".join(f"{one:.1f}" for one in os.getloadavg())
    return (
        f"machine: {model}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}{load}"
    )
