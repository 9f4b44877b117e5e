"""The simulator at scale: a year of at least 1,000,000 orders and 200,000 members.

    python benchmarks/simulate_year.py

Runs, each in a fresh process (so that peak memory is its own):
- 365 days × 2,740 orders (1,000,100 orders, about 200,000 members);
- 730 days × 1,370 orders: the same orders and members over twice the days, to show
  that memory follows members, not members × days;
- 365 days × 1,370 orders: half the orders and members, for the other direction.
Prints the simulation time (engine included, report excluded) and the report's, and
each process's peak resident memory (VmHWM). Nothing here is a test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from machine import describe

CHILD = r"""
import json, sys, time
from pathlib import Path
from zengzhi.sim.scenario import load_scenario
from zengzhi.sim.run import simulate
from zengzhi.sim.report import write_report
days, per_day, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
scenario = load_scenario({
    "name": f"{days} days x {per_day} orders",
    "simulation": {"days": days, "seed": 11},
    "tenant": {"pool": {"exit_multiple": "2"}},
    "flow": {"orders_per_day": per_day, "amount_min": "50.00", "amount_max": "2000.00"},
    "members": {"new_share": "0.20"},
})
started = time.perf_counter()
result = simulate(scenario)
simulated = time.perf_counter() - started
started = time.perf_counter()
write_report(out, [result], scenario, "")
reported = time.perf_counter() - started
peak = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(json.dumps({"orders": result.summary["orders"], "members": result.summary["members"],
                  "exits": result.summary["members_exited"], "simulate": simulated,
                  "report": reported, "peak_kib": int(peak)}))
"""


def main() -> None:
    print(f"{describe()}; one process a run")
    print(
        f"{'days':>5} {'orders/day':>10} {'orders':>10} {'members':>8} {'exits':>6} "
        f"{'simulate s':>10} {'orders/s':>9} {'report s':>8} {'peak MiB':>9}"
    )
    for days, per_day in ((365, 2740), (730, 1370), (365, 1370)):
        with tempfile.TemporaryDirectory() as out:
            output = subprocess.run(
                [sys.executable, "-c", CHILD, str(days), str(per_day), out],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        figures = json.loads(output)
        print(
            f"{days:>5} {per_day:>10} {figures['orders']:>10,} {figures['members']:>8,} "
            f"{figures['exits']:>6} {figures['simulate']:>10.1f} "
            f"{figures['orders'] / figures['simulate']:>9,.0f} {figures['report']:>8.1f} "
            f"{figures['peak_kib'] / 1024:>9.0f}"
        )


if __name__ == "__main__":
    main()
