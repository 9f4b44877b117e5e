"""What the simulator's report says, checked against the run's own figures recomputed
here: the day rows, the pool's positions and the ledger (attack-sim, second pass)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.sim.test_simulator import scenario
from zengzhi.i18n import Translator
from zengzhi.sim.run import simulate
from zengzhi.sim.verdict import cash_gap, cash_runs_out, verdict
from zengzhi.sim.verdict_text import verdict_lines


def _day(day: int, pool: str) -> dict[str, Any]:
    return {"day": day, "pool": pool}


def test_cash_that_ran_out_and_came_back_is_not_said_to_hold_nothing_from_then() -> None:
    # no sell fee, no exit: on the third day without a rise every holder sells all, the
    # last seller takes the pool's last fen; orders from day 6 fill it again
    table = [3, 3, 0, 0, 0, 0] + [3] * 14
    run = simulate(
        scenario(
            simulation={"days": 20, "seed": 1},
            tenant={"pool": {"exit_multiple": None, "sell_fee": "0"}},
            flow={"orders_per_day": 3, "shape": "table", "table": table},
            members={"selling": "panic", "panic_stall_days": 2, "panic_share": "1"},
        )
    )
    pools = [Decimal(row["pool"]) for row in run.days]
    empty = [day for day, pool in enumerate(pools) if pool == 0]
    assert empty and pools[0] > 0 and pools[-1] > 0  # held, ran out, held again
    out = empty[0]
    back = next(day for day in range(out, len(pools)) if pools[day] > 0)
    found = verdict(run)
    assert found.cash_runs_out != out  # the trend of the end, not the day it stood empty
    assert (found.cash_out, found.cash_back) == (out, back)
    for language, said in (("en", f"until day {back}"), ("zh", f"直到第 {back} 天")):
        lines = verdict_lines(found, Translator(language))
        assert any(said in line for line in lines), lines
        held_nothing = ("from that day", "从那天起，资金池")
        assert not any(words in line for line in lines for words in held_nothing), lines


def test_the_day_the_cash_ran_out_is_the_last_empty_stretch_to_the_end() -> None:
    back = [_day(0, "0"), _day(1, "50"), _day(2, "0.00"), _day(3, "10")]
    assert cash_runs_out(back)[0] is None  # it holds 10 at the end: nothing ran out
    assert cash_gap(back) == (2, 3)
    twice = [_day(0, "5"), _day(1, "0"), _day(2, "5"), _day(3, "0"), _day(4, "0")]
    assert cash_runs_out(twice) == (3, 0)  # the stretch that lasts to the end
    assert cash_gap(twice) == (1, 2)
    assert cash_gap([_day(0, "0"), _day(1, "0")]) is None  # never held any
