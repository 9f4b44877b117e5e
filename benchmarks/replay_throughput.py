"""Replay throughput and peak memory: generated logs of orders and sales, k = 2.

    python benchmarks/replay_throughput.py                 # 100k and 1M events, 200k members
    python benchmarks/replay_throughput.py --events 50000  # one size
    python benchmarks/replay_throughput.py --members 20000 # fewer members, same events

The log is generated first (by driving the engine, so that every sale is valid), then
replayed by `zengzhi replay` in a fresh process, which reports its own peak memory.
Prints a table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

from zengzhi.core.amounts import Ratio
from zengzhi.core.events import CompleteOrder, OrderLine, Sell
from zengzhi.core.ledger import MemoryLedger
from zengzhi.engine.engine import Engine
from zengzhi.engine.state import TenantState, memory_pool
from zengzhi.rules.pool import PoolParams

CONFIG = '[pool]\nmint_ratio = "0.70"\nsell_fee = "0.20"\nexit_multiple = "2"\n'


def generate(path: Path, events: int, members: int, seed: int = 7) -> None:
    """Orders (85%) and sales of part of a holding (15%), all valid, written as JSONL."""
    rng = random.Random(seed)
    pools = {"main": memory_pool("main", PoolParams(exit_multiple=Ratio("2")))}
    state = TenantState(MemoryLedger(), pools)
    engine = Engine(state)
    positions = pools["main"].positions
    with path.open("w") as out:
        for n in range(events):
            member = f"m{rng.randrange(members)}"
            position = positions.get(member)
            if rng.random() < 0.15 and position is not None and position.points > 0:
                units = max(1, position.points * rng.randint(1, 100) // 100)
                engine.apply(Sell(f"e{n}", member, "main", units))
                line = {
                    "type": "sell",
                    "id": f"e{n}",
                    "member": member,
                    "points": f"{units // 10_000}.{units % 10_000:04d}",
                }
            else:
                amount = rng.randint(50, 3000) * 100
                contribution = amount * 3 // 10
                engine.apply(
                    CompleteOrder(
                        f"e{n}",
                        member,
                        (
                            OrderLine(
                                amount=amount,
                                contribution=contribution,
                                platform=amount - contribution,
                                pool="main",
                            ),
                        ),
                    )
                )
                line = {
                    "type": "order",
                    "id": f"e{n}",
                    "member": member,
                    "amount": f"{amount // 100}.00",
                    "contribution": f"{contribution // 100}.{contribution % 100:02d}",
                }
            out.write(json.dumps(line) + "\n")


def run_replay(log: Path, config: Path) -> dict[str, float]:
    """Replay in a fresh process; returns its wall and CPU time and peak resident memory.

    On a shared machine the CPU time is the steadier figure: the wall time also counts
    the moments other processes held the core.

    The peak is the process's own VmHWM: getrusage's ru_maxrss would also count the
    parent's peak, which Linux carries across fork and exec.
    """
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from zengzhi.engine.config import read_config\n"
        "from zengzhi.engine.replay import replay\n"
        "from zengzhi.store.spill import SpillStore\n"
        "start, cpu = time.perf_counter(), time.process_time()\n"
        "with open(sys.argv[1]) as lines:\n"
        "    run = replay(lines, read_config(Path(sys.argv[2])), kept=SpillStore())\n"
        "elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu\n"
        "peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print(elapsed, cpu, run.applied, len(run.exits), peak)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(log), str(config)],
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed, cpu, applied, exits, rss_kib = result.stdout.split()
    return {
        "seconds": float(elapsed),
        "cpu": float(cpu),
        "events": int(applied),
        "exits": int(exits),
        "peak_mib": int(rss_kib) / 1024,
    }


def baseline_mib() -> float:
    code = (
        "import zengzhi.engine.replay, zengzhi.engine.config\n"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return int(out) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--members", type=int, default=200_000)
    args = parser.parse_args()
    print(f"{describe()}; one process")
    print(f"interpreter and modules alone: {baseline_mib():.0f} MiB")
    print(
        f"{'events':>10} {'members':>8} {'exits':>6} {'seconds':>8} {'cpu s':>7} "
        f"{'events/s':>9} {'peak MiB':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(CONFIG)
        for size in args.events:
            log = Path(tmp) / f"events-{size}.jsonl"
            started = time.perf_counter()
            generate(log, size, args.members)
            print(
                f"  (generated {size} events in {time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
            )
            figures = run_replay(log, config)
            print(
                f"{figures['events']:>10} {args.members:>8} {figures['exits']:>6} "
                f"{figures['seconds']:>8.1f} {figures['cpu']:>7.1f} "
                f"{figures['events'] / figures['seconds']:>9.0f} "
                f"{figures['peak_mib']:>9.0f}"
            )


if __name__ == "__main__":
    main()
