"""A zone's day in parts (docs/modes.md, "A day in parts") gives what the day at once gives.

Random histories (every companion mode, reversals, withdrawals, tasks: tests/histories.py)
are run twice through the engine in memory: once with each day whole, once with each day
begun in parts and done a random number of claims or members a part. The entries, in
order and by content, and the final state are the same.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.histories import History, histories
from tests.unit.test_reversal_algebra import Driven
from zengzhi.core.errors import DomainError
from zengzhi.core.events import CompleteOrder, ConfigureZone, DayPart, Join, OrderLine, RunDay
from zengzhi.core.ledger import MemoryLedger
from zengzhi.engine.engine import Engine
from zengzhi.engine.snapshot import snapshot
from zengzhi.engine.state import MemoryPools, TenantState
from zengzhi.rules.modes import zone


def _in_parts(driven: Driven, line: dict[str, Any], sizes: st.DataObject) -> None:
    """Feed a day line as a day begun in parts, then its parts until it is done."""
    began = driven.feed({**line, "parts": True}, checked=False)
    if not began:
        return
    n = 0
    while zone.under_way(driven.replay.state.modes, line["zone"]):
        size = sizes.draw(st.integers(1, 4), label="size")
        part = {
            "type": "day_part",
            "id": f"{line['id']}-part{n}",
            "zone": line["zone"],
            "day": line["day"],
            "of": line["id"],
            "size": size,
        }
        assert driven.feed(part)  # the books are sound between parts
        n += 1


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(history=histories(max_steps=40, min_steps=15), sizes=st.data())
def test_a_day_in_parts_posts_what_the_day_at_once_posts(
    history: History, sizes: st.DataObject
) -> None:
    whole = Driven(history).run()
    parts = Driven(history)
    for line in whole.applied:
        if line["type"] == "day":
            _in_parts(parts, line, sizes)
        else:
            assert parts.feed(line, checked=False)
    assert parts.journal == whole.journal  # the same entries, by content, in order
    assert snapshot(parts.replay.state) == snapshot(whole.replay.state)
    days = [line["id"] for line in whole.applied if line["type"] == "day"]
    assert [line["id"] for line in parts.applied if line["type"] == "day"] == days


def test_a_day_in_parts_refuses_another_day_and_a_change_of_the_zone_until_it_is_done() -> None:
    engine = Engine(TenantState(MemoryLedger(), MemoryPools([])))
    engine.apply(ConfigureZone("zone", "g", {"green": {"backed": True}}))
    for n in range(5):
        engine.apply(Join(f"j{n}", f"m{n}", f"m{n - 1}" if n else None))
        line = OrderLine(3000_00, 0, None, platform=3000_00, zone="g")
        engine.apply(CompleteOrder(f"o{n}", f"m{n}", (line,)))
    engine.apply(RunDay("d1", "g", date(2026, 11, 2), parts=True))
    for refused in (
        RunDay("d2", "g", date(2026, 11, 3), parts=True),
        ConfigureZone("zone2", "g", {"green": {"backed": True, "daily": "0.02"}}),
        DayPart("p0", "g", date(2026, 11, 2), "d1", 0),
    ):
        try:
            engine.apply(refused)
        except DomainError:
            continue
        raise AssertionError(f"{refused} was taken while the day ran")
    parts = 0
    while zone.under_way(engine.state.modes, "g"):
        entries = engine.apply(DayPart(f"p{parts}", "g", date(2026, 11, 2), "d1", 2)).entries
        assert all(one.cause == "d1" for one in entries)
        parts += 1
    assert parts == 3 + 3 + 3  # 5 claims counted, 5 members paid, 5 accelerated: 2 a part
    engine.apply(RunDay("d2", "g", date(2026, 11, 3), parts=True))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(history=histories(max_steps=40, min_steps=15), draws=st.data())
def test_orders_reversals_and_withdrawals_between_a_days_parts_keep_the_books_sound(
    history: History, draws: st.DataObject
) -> None:
    """What the log has after a day is moved in between its parts (as a service takes
    orders while a day runs): after every line the books balance, every balance is its
    postings, claims match holdings (counting what the day took off them and has not yet
    paid), no reserve is negative; and every day ends."""
    whole = Driven(history).run()
    lines = list(whole.applied)
    parts = Driven(history)
    while lines:
        line = lines.pop(0)
        if line["type"] != "day":
            parts.feed(line)
            continue
        if not parts.feed({**line, "parts": True}):
            continue
        n = 0
        while zone.under_way(parts.replay.state.modes, line["zone"]):
            while lines and lines[0]["type"] != "day" and draws.draw(st.booleans(), label="in"):
                parts.feed(lines.pop(0))  # refused or not, checked
            part = {"type": "day_part", "id": f"{line['id']}-part{n}", "zone": line["zone"]}
            part |= {"day": line["day"], "of": line["id"], "size": draws.draw(st.integers(1, 3))}
            assert parts.feed(part)
            n += 1
