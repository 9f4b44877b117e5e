"""Spec 01 (the appreciation pool) statements checked as replays of JSONL logs through
`zengzhi replay` (docs/replay.md): parameters changed part-way, a refund at each point of
an order's story, exact boundaries and the smallest unit. Every figure below is worked out
by hand from the spec's formulas (written in each test), not taken from the code's output.

The file:line in each docstring is the statement in /work/shared/spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.test_replay import order, runner, write
from tests.cli.test_replay_spec_statements import replay
from zengzhi.cli import app

K2 = '[pool]\nmint_ratio = "0.70"\nsell_fee = "0.20"\nexit_multiple = "2"\n'
NO_EXIT = '[pool]\nmint_ratio = "0.70"\nsell_fee = "0.20"\n'


def sell(n: int, member: str, points: str) -> dict[str, Any]:
    return {"type": "sell", "id": f"s{n}", "member": member, "points": points}


def subsidy(n: int, amount: str) -> dict[str, Any]:
    return {"type": "subsidy", "id": f"x{n}", "amount": amount}


def configure(n: int, **changes: Any) -> dict[str, Any]:
    return {"type": "configure", "id": f"c{n}", **changes}


def reverse(n: int, order_n: int) -> dict[str, Any]:
    return {"type": "reverse", "id": f"r{n}", "order": f"o{order_n}"}


def member(state: dict[str, Any], name: str) -> dict[str, str]:
    return state["members"][name]


def exits(state: dict[str, Any]) -> list[tuple[str, str]]:
    return [(one["member"], one["payout"]) for one in state["exits"]]


def refused(tmp_path: Path, config: str, *lines: dict[str, Any]) -> str:
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    result = runner.invoke(app, ["replay", str(write(tmp_path, *lines)), "--config", str(path)])
    assert result.exit_code == 1, result.stdout
    return result.stderr


# ---------------------------------------------------------------------------- exits


def test_an_exit_exactly_at_the_multiple_and_a_fen_short_of_it(tmp_path: Path) -> None:
    """01:111-117, 01:148: the return *reaches* k × principal (>=). m1: 210 points for
    1000; with B = 2000.00 (a subsidy of 1700.00) the return is exactly 2 × 1000: paid
    floor2(2000 × 0.8) = 1600.00, 400.00 stays. With 1699.99 the return is 1999.99."""
    short = replay(tmp_path, K2, order(1, "m1"), subsidy(1, "1699.99"))
    assert exits(short) == []
    assert member(short, "m1")["points"] == "210.0000"
    exact = replay(tmp_path, K2, order(1, "m1"), subsidy(1, "1700.00"))
    assert exits(exact) == [("m1", "1600.00")]
    assert exact["pool"]["balance"] == "400.00"
    assert exact["pool"]["points"] == "0.0000"
    assert member(exact, "m1")["principal"] == "0.00"  # closed: back to 0


def test_after_an_exit_that_empties_the_pool_the_next_order_mints_at_the_last_price(
    tmp_path: Path,
) -> None:
    """01:11-14, 01:63-67: last_price is the last price while S > 0, here 2000 / 210 at the
    exit; the next order's 210 of value mints floor4(210 / (2000/210)) = 22.0500 points."""
    state = replay(tmp_path, K2, order(1, "m1"), subsidy(1, "1700.00"), order(2, "m2"))
    assert member(state, "m2")["points"] == "22.0500"
    assert state["pool"]["balance"] == "700.00"


def test_a_lower_multiple_exactly_at_the_return_exits_at_the_cap(tmp_path: Path) -> None:
    """01:111-118, 01:140-144: m1 alone holds 210 points of a 300.00 pool, return 300 on
    1000. k = 0.31 (cap 310) keeps it; k = 0.3 (cap 300, cap_left 300 > 0) reaches it
    exactly: paid the cap, floor2(300 × 0.8) = 240.00."""
    kept = replay(tmp_path, NO_EXIT, order(1, "m1"), configure(1, exit_multiple="0.31"))
    assert exits(kept) == []
    out = replay(tmp_path, NO_EXIT, order(1, "m1"), configure(1, exit_multiple="0.3"))
    assert exits(out) == [("m1", "240.00")]
    assert out["pool"]["balance"] == "60.00"


def test_a_lower_multiple_below_what_was_realized_pays_the_sale_value_then_cascades(
    tmp_path: Path,
) -> None:
    """01:130-134 and 01:140-146. o1 (m1, 210 points), o2 (m2, 147): B 600, S 357. m1 sells
    100: value floor2(100 × 600 / 357) = 168.06, payout 134.44; B 465.56, S 257. k = 0.1:
    m1's cap_left = 100 − 168.06 < 0, so m1 is paid the sale value of its 110 points,
    floor2(110 × 465.56 / 257 × 0.8) = 159.41 (not burned for nothing); B 306.15, S 147,
    so m2's return 306.15 passes its cap 100 and m2 is paid floor2(100 × 0.8) = 80.00."""
    state = replay(
        tmp_path,
        NO_EXIT,
        order(1, "m1"),
        order(2, "m2"),
        sell(1, "m1", "100"),
        configure(1, exit_multiple="0.1"),
    )
    assert exits(state) == [("m1", "159.41"), ("m2", "80.00")]
    assert member(state, "m1")["wallet"] == "293.85"
    assert state["pool"]["balance"] == "226.15"


def test_equal_thresholds_exit_in_opening_order(tmp_path: Path) -> None:
    """01:140-146: ties by the position's opening order. z (opened first) spends 1000 for
    210 points; a spends 700 for 147 points: both thresholds are 2 × 1000 / 210 =
    2 × 700 / 147. A subsidy of 2800 puts B at 3400 = 357 × 2000 / 210, both exactly at
    the threshold: z goes first (paid 1600.00), then a (floor2(1400 × 0.8) = 1120.00)."""
    state = replay(
        tmp_path,
        K2,
        order(1, "z"),
        order(2, "a", amount="700.00"),
        subsidy(1, "2800.00"),
    )
    assert exits(state) == [("z", "1600.00"), ("a", "1120.00")]


def test_a_reversal_that_lifts_the_price_forces_out_who_reached_the_cap(tmp_path: Path) -> None:
    """01:140-146 (after any change of price) with 01:183-185 (a reversal burns points, the
    contribution stays): B 3399.99 puts m1's return at 1999.99, a fen short of 2000; the
    reversal of o2 burns m2's 147 points, B stays, S 210: m1 exits, paid 1600.00."""
    state = replay(
        tmp_path,
        K2,
        order(1, "m1"),
        order(2, "m2"),
        subsidy(1, "2799.99"),
        reverse(1, 2),
    )
    assert exits(state) == [("m1", "1600.00")]
    assert state["exits"][0]["event"] == "r1"


# ---------------------------------------------------------------------------- refunds


def test_a_refund_before_any_sale_burns_the_points_and_keeps_the_contribution(
    tmp_path: Path,
) -> None:
    """01:182-186: the reversal of o2 burns m2's 147 points, no payout; B stays 600.00,
    S 210, price 600 / 210 = 2.8571; m2's principal drops by 1000."""
    state = replay(tmp_path, NO_EXIT, order(1, "m1"), order(2, "m2"), reverse(1, 2))
    assert member(state, "m2") == {
        "debt": "0.00",
        "points": "0.0000",
        "principal": "0.00",
        "realized": "0.00",
        "wallet": "0.00",
    }
    assert (state["pool"]["balance"], state["pool"]["points"]) == ("600.00", "210.0000")
    assert state["pool"]["price"] == "2.8571"
    # 01:195: the refunded contribution is the platform's cost, not the pool's
    assert state["totals"]["reversal_cost"]["borne"] == "300.00"


def test_a_refund_after_selling_everything_charges_what_the_sale_paid(tmp_path: Path) -> None:
    """01:187-194: m2 sold its 147 points for 197.64 (the spec's example); at the reversal's
    price 402.36 / 210 they are worth 281.65, but the charge is bounded by what the pool
    paid m2 since the order: 197.64, taken from the wallet. The pool keeps 402.36."""
    state = replay(
        tmp_path, NO_EXIT, order(1, "m1"), order(2, "m2"), sell(1, "m2", "all"), reverse(1, 2)
    )
    assert member(state, "m2")["wallet"] == "0.00"
    assert member(state, "m2")["debt"] == "0.00"
    assert (state["pool"]["balance"], state["pool"]["points"]) == ("402.36", "210.0000")


def test_a_refund_after_selling_part_burns_the_rest_and_charges_the_sale(tmp_path: Path) -> None:
    """01:182-194: m2 sells 100 of 147 points: value floor2(100 × 600 / 357) = 168.06,
    payout 134.44; B 465.56, S 257. The reversal burns the 47 held and values the 100
    short at 465.56 / 257 (181.15), bounded by the 134.44 paid: the wallet goes to 0.00."""
    state = replay(
        tmp_path, NO_EXIT, order(1, "m1"), order(2, "m2"), sell(1, "m2", "100"), reverse(1, 2)
    )
    assert member(state, "m2")["wallet"] == "0.00"
    assert member(state, "m2")["points"] == "0.0000"
    assert member(state, "m2")["principal"] == "0.00"
    assert (state["pool"]["balance"], state["pool"]["points"]) == ("465.56", "210.0000")


def test_a_refund_after_a_forced_exit_charges_at_most_the_exit_payout(tmp_path: Path) -> None:
    """01:187-194: m1 exited paid 1600.00 at 2000 / 210; its 210 points, at the reversal's
    price (the last price, 9.5238), are worth 2000.00, bounded by the 1600.00 the exit
    paid: the wallet goes to 0.00 and nothing more is owed."""
    state = replay(tmp_path, K2, order(1, "m1"), subsidy(1, "1700.00"), reverse(1, 1))
    assert member(state, "m1")["wallet"] == "0.00"
    assert member(state, "m1")["debt"] == "0.00"
    assert state["pool"]["balance"] == "400.00"


def test_a_refund_after_the_exit_payout_was_withdrawn_is_a_debt(tmp_path: Path) -> None:
    """01:187-190 and 04:60-63: the 1600.00 of m1's exit is held by a withdrawal; the
    reversal takes from the wallet (0.00) and records the 1600.00 as a debt. Paying the
    withdrawal leaves the debt; rejecting it returns the hold, which settles the debt."""
    story = [
        order(1, "m1"),
        subsidy(1, "1700.00"),
        {"type": "withdraw", "id": "w1", "member": "m1", "amount": "1600.00"},
        reverse(1, 1),
    ]
    held = replay(tmp_path, K2, *story)
    assert (member(held, "m1")["wallet"], member(held, "m1")["debt"]) == ("0.00", "1600.00")
    paid = replay(tmp_path, K2, *story, {"type": "withdraw_pay", "id": "p1", "withdrawal": "w1"})
    assert (member(paid, "m1")["wallet"], member(paid, "m1")["debt"]) == ("0.00", "1600.00")
    back = replay(tmp_path, K2, *story, {"type": "withdraw_reject", "id": "j1", "withdrawal": "w1"})
    assert (member(back, "m1")["wallet"], member(back, "m1")["debt"]) == ("0.00", "0.00")


def test_a_refund_of_an_order_before_an_exit_leaves_the_new_position_alone(
    tmp_path: Path,
) -> None:
    """01:127-128 and 01:182-194: after m1's exit (paid 1600.00) a new order o2 opens a new
    position (principal 1000, 22.05 points at the last price). Reversing o1 touches none
    of it: o1's points are gone, so it charges at most the 1600.00 the exit paid."""
    state = replay(
        tmp_path, K2, order(1, "m1"), subsidy(1, "1700.00"), order(2, "m1"), reverse(1, 1)
    )
    assert member(state, "m1")["principal"] == "1000.00"
    assert member(state, "m1")["points"] == "22.0500"
    assert member(state, "m1")["wallet"] == "0.00"
    assert member(state, "m1")["debt"] == "0.00"


def test_a_refund_of_an_order_made_while_minting_was_paused_moves_no_pool(
    tmp_path: Path,
) -> None:
    """01:31 (paused: contributions flow in, no points) and 01:182-186: o2's 300 lands with
    no points; its reversal burns nothing, the contribution stays (B 600.00, S 210)."""
    state = replay(
        tmp_path,
        NO_EXIT,
        order(1, "m1"),
        configure(1, minting_enabled=False),
        order(2, "m2"),
        reverse(1, 2),
    )
    assert (state["pool"]["balance"], state["pool"]["points"]) == ("600.00", "210.0000")
    assert member(state, "m2")["points"] == "0.0000"
    assert member(state, "m2")["debt"] == "0.00"


# ---------------------------------------------------------------------------- changes


def test_a_mint_ratio_changed_part_way_prices_the_next_order(tmp_path: Path) -> None:
    """01:23-37, 01:63-67: m = 0.5 from the second order: floor4(0.5 × 300 × 210 / 300) =
    105.0000 points (m = 0.7 gave 147)."""
    state = replay(
        tmp_path, NO_EXIT, order(1, "m1"), configure(1, mint_ratio="0.5"), order(2, "m2")
    )
    assert member(state, "m1")["points"] == "210.0000"
    assert member(state, "m2")["points"] == "105.0000"


def test_a_sell_fee_changed_part_way_applies_to_the_next_sale(tmp_path: Path) -> None:
    """01:97-101: value 247.05 as in the spec's example; at f = 0.5 the payout is
    floor2(247.05 × 0.5) = 123.52, and B = 600 − 123.52 = 476.48."""
    state = replay(
        tmp_path,
        NO_EXIT,
        order(1, "m1"),
        order(2, "m2"),
        configure(1, sell_fee="0.5"),
        sell(1, "m2", "all"),
    )
    assert member(state, "m2")["wallet"] == "123.52"
    assert state["pool"]["balance"] == "476.48"


def test_issuance_paused_then_resumed(tmp_path: Path) -> None:
    """01:31: while paused o2's 300 flows in and mints nothing (B 600, S 210); resumed, o3
    mints floor4(0.7 × 300 × 210 / 600) = 73.5000 points."""
    state = replay(
        tmp_path,
        NO_EXIT,
        order(1, "m1"),
        configure(1, minting_enabled=False),
        order(2, "m2"),
        configure(2, minting_enabled=True),
        order(3, "m3"),
    )
    assert member(state, "m2")["points"] == "0.0000"
    assert member(state, "m3")["points"] == "73.5000"
    assert state["pool"]["balance"] == "900.00"


# ---------------------------------------------------------------------------- sales


def test_selling_exactly_the_balance_and_a_unit_more(tmp_path: Path) -> None:
    """01:95 (q <= points): 210.0000 of 210.0000 sells (value 300.00, payout 240.00);
    210.0001 is refused naming `points`."""
    state = replay(tmp_path, NO_EXIT, order(1, "m1"), sell(1, "m1", "210.0000"))
    assert member(state, "m1")["wallet"] == "240.00"
    assert state["pool"]["balance"] == "60.00"
    error = refused(tmp_path, NO_EXIT, order(1, "m1"), sell(1, "m1", "210.0001"))
    assert "points" in error


def test_the_smallest_sale_at_its_boundary(tmp_path: Path) -> None:
    """01:32: min_sell_points 10: 10.0000 sells, 9.9999 is refused naming `points`."""
    config = NO_EXIT + 'min_sell_points = "10"\n'
    state = replay(tmp_path, config, order(1, "m1"), sell(1, "m1", "10.0000"))
    assert member(state, "m1")["points"] == "200.0000"
    error = refused(tmp_path, config, order(1, "m1"), sell(1, "m1", "9.9999"))
    assert "points" in error


def test_a_subsidy_of_one_fen(tmp_path: Path) -> None:
    """01:150-153: B += amount, S unchanged: 300.01 / 210."""
    state = replay(tmp_path, NO_EXIT, order(1, "m1"), subsidy(1, "0.01"))
    assert (state["pool"]["balance"], state["pool"]["points"]) == ("300.01", "210.0000")
