"""The engine compiled by mypyc beside the same source run by CPython (issue 16: is
compiled code the way to 2×?). Nothing is compiled in the working tree.

    python benchmarks/engine_mypyc.py [--events 100000] [--members 20000] [--seed 7]
        [--runs 2] [--keep DIR]

It copies `src/zengzhi` to a temporary directory, marks there the classes mypyc cannot
compile as native (dict and list subclasses that take builtin methods as their own:
`MemoryKept`, `MemoryMembers`, `LotList`), and compiles the replay's hot modules (those
py-spy finds under `replay()`: `MODULES`) with `python -m mypyc`, which puts a `.so`
beside each `.py` of that copy only. Then, on `engine_speed.py`'s log (the seed fixes
it), each version runs `replay()` in a fresh process, alternately, CPU seconds only, and
a second, untimed replay hashes every entry posted (SHA-256 over cause, kind, rule,
postings, params in their order, corrects) and every outcome's sales, exits and mints:
the two must be equal. It needs a C compiler and mypy (the dev extra); the compile takes
a minute or more. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine_speed import config_text, generate
from machine import describe

ROOT = Path(__file__).resolve().parent.parent
# the modules under replay() that py-spy samples (2026-12-05): ledger, engine, pool,
# replay, positions, reading lines, amounts, the network, orders, events, accounts, state
MODULES = [
    "core/ledger.py",
    "core/amounts.py",
    "core/events.py",
    "core/accounts.py",
    "engine/engine.py",
    "engine/replay.py",
    "engine/positions.py",
    "engine/lines.py",
    "engine/network.py",
    "engine/state.py",
    "rules/pool.py",
    "rules/orders.py",
]
# (module, class line): a class mypyc would compile as native, losing the builtin
# methods it takes as its own (`add = dict.setdefault`) or refusing its base (list)
NON_NATIVE = [
    ("engine/replay.py", "class MemoryKept(dict[str, str]):"),
    ("engine/state.py", "class MemoryMembers(dict[str, None]):"),
    ("rules/pool.py", "class LotList(list[Lot]):"),
]

CHILD = """
import hashlib, sys, time
from pathlib import Path
from zengzhi.engine import engine
from zengzhi.engine.config import read_config
from zengzhi.engine.replay import replay

lines = Path(sys.argv[1]).read_text().splitlines()
settings = read_config(Path(sys.argv[2]))
started = time.process_time()
run = replay(lines, settings)
seconds = time.process_time() - started
digest = hashlib.sha256()

def hashed(outcome):
    for one in outcome.entries:
        digest.update(repr((one.cause, str(one.kind), one.rule, one.postings,
                            tuple(one.params.items()), one.corrects)).encode())
    digest.update(repr((outcome.sales, outcome.exits, outcome.minted)).encode())

again = replay(lines, settings, hashed)
assert len(again.exits) == len(run.exits)
print(seconds, len(run.exits), digest.hexdigest()[:16], Path(engine.__file__).name)
"""


def compiled_copy(where: Path) -> Path:
    """`src/zengzhi` copied under `where` and its hot modules compiled there."""
    src = where / "src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(
        ROOT / "src" / "zengzhi",
        src / "zengzhi",
        ignore=shutil.ignore_patterns("__pycache__", "*.so"),
    )
    for module, line in NON_NATIVE:
        path = src / "zengzhi" / module
        text = path.read_text()
        if text.count(line) != 1:
            sys.exit(f"{module}: {line!r} is not there once: update NON_NATIVE")
        text = text.replace(line, "@mypyc_attr(native_class=False)\n" + line)
        head = "from __future__ import annotations\n"
        text = text.replace(head, head + "\nfrom mypy_extensions import mypyc_attr\n", 1)
        path.write_text(text)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mypyc", *(f"zengzhi/{one}" for one in MODULES)],
        cwd=src,
        check=True,
        capture_output=True,
    )
    print(f"  (compiled {len(MODULES)} modules in {time.perf_counter() - started:.0f} s wall)")
    return src


def timed(src: Path, log: Path, config: Path) -> tuple[float, int, str, str]:
    """CPU seconds of replay() in a fresh process on `src`, its exits, hash and module."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(log), str(config)],
        env={**os.environ, "PYTHONPATH": str(src)},
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, exits, digest, module = result.stdout.split()
    return float(seconds), int(exits), digest, module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the log and the compiled copy here")
    args = parser.parse_args()
    print(f"{describe()}; replay() in a fresh process per run")
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        log, config = where / f"engine-{args.events}-{args.seed}.jsonl", where / "engine.toml"
        config.write_text(config_text("1.5"))
        generate(log, args.events, args.members, args.seed, "1.5")
        compiled = compiled_copy(where / "compiled")
        versions = [("source (CPython)", ROOT / "src"), ("mypyc", compiled)]
        seconds: dict[str, list[float]] = {name: [] for name, _ in versions}
        seen: dict[str, tuple[int, str, str]] = {}
        for _ in range(args.runs):
            for name, src in versions:
                cpu, exits, digest, module = timed(src, log, config)
                seconds[name].append(cpu)
                seen[name] = (exits, digest, module)
        print(f"{args.events} events, {args.members} members, exit at 1.5×")
        best = min(seconds["source (CPython)"])
        for name, _ in versions:
            exits, digest, module = seen[name]
            runs = " / ".join(f"{one:.2f}" for one in seconds[name])
            print(
                f"{name:17} CPU s {runs}  {args.events / min(seconds[name]):,.0f} ev/s "
                f"(best), {best / min(seconds[name]):.2f}×  exits {exits}, "
                f"entries {digest}, engine from {module}"
            )
        same = len({one[:2] for one in seen.values()}) == 1
        print("same entries and outcomes" if same else "THE VERSIONS DIFFER")


if __name__ == "__main__":
    main()
