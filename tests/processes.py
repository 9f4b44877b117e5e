"""Where the race tests' processes come from: a fork server (multiprocessing's
"forkserver" start method) that has imported the racers' modules once.

A racer is a real OS process of its own, as with "spawn": the fork server is a fresh
Python process started by the test worker (it inherits nothing of pytest's state, such
as tests/conftest.py's cheap password hashing), and each racer is forked from it, opens
its own database connections and threads, and meets the others at the test's barrier.
What is saved is the import: a spawned racer imported zengzhi, SQLAlchemy and its
target's module before it could start, about 1 s of a core each (a race test starts two
to six of them, and the security suite runs dozens of races), where a fork of the
server that has them imported takes a few milliseconds. The number of processes and
what each does at the barrier are the same.
"""

from __future__ import annotations

import multiprocessing

# The modules the racers run (their targets must be importable by name, as for "spawn"):
# imported once, in the fork server, when the first race of a worker starts it.
PRELOADED = [
    "tests.security.races",
    "tests.security.workers",
    "tests.security.attack_workers",
    "tests.security.money_race_workers",
    "tests.security.pool_race_workers",
    "tests.security.conflict_race_workers",
    "tests.security.revocation_race_workers",
    "tests.security.payment_race_workers",
    "tests.service.test_concurrency",
    "tests.service.test_mixed_races",
]

RACERS = multiprocessing.get_context("forkserver")
RACERS.set_forkserver_preload(PRELOADED)
