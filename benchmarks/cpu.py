"""Where a benchmark's CPU goes: the server process, the clients (this process) and the
rest of the machine (PostgreSQL, and anything else running: read it on a quiet machine),
from /proc (Linux only; elsewhere the figures are absent). With the machine's cores this
gives ceilings: the orders a second if every core did nothing but this work, and if the
server's processes each had a core to itself, which say whether a target is out of reach of
the code or of the machine.

PostgreSQL's backends are not read one by one: those the server's pool opens beyond
the connections it keeps close during the run, and their CPU would be missed."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
Reading = tuple[float, float, float, float]


def _process_cpu(pid: int) -> float:
    """A process's user + system CPU seconds so far."""
    stat = (_PROC / str(pid) / "stat").read_text()
    fields = stat.rpartition(")")[2].split()  # the command may hold spaces: skip past it
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _tree_cpu(pid: int) -> float:
    """The CPU seconds of a process and of its children (uvicorn's workers)."""
    total = _process_cpu(pid)
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                if int(fields[1]) == pid:  # its parent
                    total += _tree_cpu(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                pass  # gone while read
    return total


def _machine_cpu() -> float:
    """CPU seconds every core has spent busy (not idle, not waiting for the disk)."""
    times = [int(one) for one in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(times[:8]) - times[3] - times[4]) / _TICK  # all but idle and iowait


@dataclass(frozen=True)
class Spent:
    """CPU seconds spent between two readings, and the wall seconds between them."""

    server: float
    clients: float
    machine: float
    wall: float
    processes: int = 1  # the server's

    def line(self, orders: int) -> str:
        """CPU milliseconds an order of each part, and the ceilings."""
        rest = max(0.0, self.machine - self.server - self.clients)
        cores = os.cpu_count() or 1

        def each(seconds: float) -> str:
            return f"{1000 * seconds / orders:.2f}"

        return (
            f"CPU ms an order: server {each(self.server)}, clients {each(self.clients)},"
            f" rest of the machine {each(rest)} (PostgreSQL…); {cores} cores"
            f" {self.machine / self.wall / cores:.0%} busy; ceiling"
            f" {orders / self.machine * cores:.0f}/s with every core on this work,"
            f" {orders / self.server * min(self.processes, cores):.0f}/s with a core for"
            f" each of the server's {self.processes} process(es)"
        )


class Meter:
    """Reads the CPU of the server `pid`, of this process and of the whole machine."""

    def __init__(self, server_pid: int, processes: int = 1) -> None:
        self.server_pid = server_pid
        self.processes = processes  # serving requests: uvicorn's workers, or itself
        self.available = (_PROC / "stat").exists()

    def reading(self) -> Reading:
        if not self.available:
            return (0.0, 0.0, 0.0, 0.0)
        server = _tree_cpu(self.server_pid)
        return server, time.process_time(), _machine_cpu(), time.perf_counter()

    def since(self, start: Reading) -> Spent | None:
        if not self.available:
            return None
        now = self.reading()
        spent = (after - before for after, before in zip(now, start, strict=True))
        return Spent(*spent, processes=self.processes)
