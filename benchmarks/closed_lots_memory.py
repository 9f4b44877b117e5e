"""What keeping a closed stake's lots costs the engine's memory (replay, back-test,
simulator): a reversal after an exit is bounded by what its order's points were paid,
so each closed stake's lots stay, as a number by member and cause
(engine/positions.py `MemoryPositions`; docs/model.md).

    python benchmarks/closed_lots_memory.py

Two shapes of the same 200,000 closed lots (one a stake): 200,000 members who each
closed one stake, and 20,000 members who each closed ten. Python's own allocations are
counted (tracemalloc) while the positions open, take their lot and close; the figure
includes the members' histories (paid, charged), which were kept before too.
Nothing here is a test.
"""

from __future__ import annotations

import gc
import tracemalloc

from machine import describe

from zengzhi.engine.positions import MemoryPositions
from zengzhi.rules.pool import Lot


def closed(members: int, stakes: int) -> int:
    """Bytes allocated and still held once every stake has closed."""
    book = MemoryPositions()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    n = 0
    for _ in range(stakes):
        for member in range(members):
            position = book.open(f"m{member}")
            position.lots.append(Lot(f"order:o{n}", 0, 0, 12_345))  # sold out
            position.paid = 12_345
            book.close(position)
            n += 1
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held


print(describe())
print(f"{'members':>8} {'stakes each':>12} {'lots':>8} {'MiB':>7} {'bytes a lot':>12}")
for members, stakes in ((200_000, 1), (20_000, 10)):
    held = closed(members, stakes)
    lots = members * stakes
    print(f"{members:>8,} {stakes:>12} {lots:>8,} {held / 2**20:>7.1f} {held / lots:>12.0f}")
