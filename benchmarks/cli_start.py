"""How long the CLI takes to start: `zengzhi --help` and `zengzhi replay` of a one-line log.

    python benchmarks/cli_start.py [--repeat 5]

Runs each command `--repeat` times in a fresh interpreter (the installed `zengzhi` beside
this Python) and prints the best CPU time (user + system) of the runs: on a shared machine
the CPU time is the steadier figure, and the best run is the one least disturbed by the
other jobs. Issue 18 asks for under 0.3 s. Nothing here is a test.

Whether Python may write bytecode caches (PYTHONDONTWRITEBYTECODE) is printed too: without
them every module of the project is compiled from source at each start, as in a checkout
run with that variable set; an installed wheel carries its caches.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from machine import describe

ORDER = {"type": "order", "id": "o1", "member": "m1", "amount": "1000.00", "contribution": "300.00"}


def cpu_seconds(argv: list[str]) -> float:
    """The CPU time (user + system) of one run of argv, from the kernel's account of the
    children this process waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    zengzhi = str(Path(sys.executable).with_name("zengzhi"))
    print(describe())
    print(
        f"bytecode caches written: {'no' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'yes'}"
    )
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "one.jsonl"
        log.write_text(json.dumps(ORDER) + "\n")
        commands = {
            "zengzhi --help": [zengzhi, "--help"],
            "zengzhi replay ONE_LINE": [zengzhi, "replay", str(log)],
        }
        print(f"{'command':<26} {'best CPU s':>10} {'worst CPU s':>11}   (of {args.repeat})")
        for name, argv in commands.items():
            times = [cpu_seconds(argv) for _ in range(args.repeat)]
            print(f"{name:<26} {min(times):>10.3f} {max(times):>11.3f}")


if __name__ == "__main__":
    main()
