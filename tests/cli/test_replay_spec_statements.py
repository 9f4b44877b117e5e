"""Spec 03 and 02 statements that had no test of their own, each as a replay of a JSONL
log through `zengzhi replay` (docs/replay.md), with the figures taken from the spec's
own words, not from what the code printed.

The file:line in each docstring is the statement in /work/shared/spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.test_replay import run_json, runner, write
from zengzhi.cli import app


def replay(tmp_path: Path, config: str, *lines: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    return run_json(str(write(tmp_path, *lines)), "--config", str(path))


def join(member: str, referrer: str | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {"type": "join", "id": f"j-{member}", "member": member}
    if referrer is not None:
        line["referrer"] = referrer
    return line


def buy(n: int, member: str, amount: str, zone: str, day: int = 1, **more: Any) -> dict[str, Any]:
    return {
        "type": "order",
        "id": f"o{n}",
        "member": member,
        "amount": amount,
        "contribution": "0",
        "zone": zone,
        "at": f"2026-11-{day:02d}T12:00:00+08:00",
        **more,
    }


def day(zone: str, n: int) -> dict[str, Any]:
    return {"type": "day", "id": f"d-{zone}-{n}", "zone": zone, "day": f"2026-11-{n:02d}"}


def task(member: str, zone: str, n: int) -> dict[str, Any]:
    return {
        "type": "task",
        "id": f"t-{member}-{n}",
        "member": member,
        "zone": zone,
        "day": f"2026-11-{n:02d}",
        "at": f"2026-11-{n:02d}T20:00:00+08:00",
    }


def reverse(n: int, order: int) -> dict[str, Any]:
    return {"type": "reverse", "id": f"r{n}", "order": f"o{order}"}


def wallets(state: dict[str, Any], *members: str) -> list[str]:
    return [state["members"][member]["wallet"] for member in members]


def mode(state: dict[str, Any], zone: str, name: str) -> dict[str, Any]:
    (found,) = [one for one in state["modes"] if (one["zone"], one["mode"]) == (zone, name)]
    return found


# ---------------------------------------------------------------------------- A


def test_a_refund_on_the_referees_order_when_the_base_says_so(tmp_path: Path) -> None:
    """03-modes.md:67-68: the base is "the referrer's package price, or the referee's
    order". With base = order: 10% of a 500 order, 20% of 333.33 (66.666, rounded down
    to 66.66: payouts round down, 04-platform.md:128-129), 70% of 1000."""
    config = '[zones.g.refer_three]\nbase = "order"\nbacked = true\n'
    state = replay(
        tmp_path,
        config,
        *(join(m, None if m == "A" else "A") for m in "ABCD"),
        buy(1, "A", "1000.00", "g"),
        buy(2, "B", "500.00", "g"),
        buy(3, "C", "333.33", "g"),
        buy(4, "D", "1000.00", "g"),
    )
    assert wallets(state, "A") == ["816.66"]  # 50.00 + 66.66 + 700.00


def test_a_daily_refund_reversed_part_way_takes_back_what_it_paid(tmp_path: Path) -> None:
    """03-modes.md:68-69 (released daily) and 164-171 (a reversed referee purchase: its
    refund is taken back from the referrer it refunded). A buys at 1000, B's purchase
    earns A 100 over 10 days: 3 days paid (30), then B's order is reversed: the 30 goes
    back and the 70 left is no longer owed; the next day pays nothing."""
    config = "[zones.g.refer_three]\nrelease_days = 10\nbacked = true\n"
    state = replay(
        tmp_path,
        config,
        join("A"),
        join("B", "A"),
        buy(1, "A", "1000.00", "g"),
        buy(2, "B", "1000.00", "g"),
        day("g", 2),
        day("g", 3),
        day("g", 4),
        reverse(1, 2),
        day("g", 5),
    )
    assert wallets(state, "A") == ["0.00"]
    assert mode(state, "g", "refer_three")["owed"] == "0.00"


# ---------------------------------------------------------------------------- B


def test_b_the_referrers_referrer_gets_ten_percent_of_the_release(tmp_path: Path) -> None:
    """03-modes.md:86-87: the referrer of a member who released gets 20% of the release,
    the referrer's referrer 10%, paid by the platform, not taken from the member. C buys
    1000 (1100 ad points); the task releases 1% = 11.00: B 2.20, A 1.10, C keeps 11.00
    and still holds 1089 points."""
    config = '[zones.ad.ads]\nratio = "1.1"\nbacked = true\n'
    state = replay(
        tmp_path,
        config,
        join("A"),
        join("B", "A"),
        join("C", "B"),
        buy(1, "C", "1000.00", "ad"),
        task("C", "ad", 2),
    )
    assert wallets(state, "C", "B", "A") == ["11.00", "2.20", "1.10"]
    assert mode(state, "ad", "ads")["owed"] == "1089.00"


def test_b_a_percent_release_rounds_down_to_the_fen(tmp_path: Path) -> None:
    """03-modes.md:81 (1% of the balance) with 04-platform.md:128-129 (payouts round
    down): 1% of 999.99 points is 9.9999, released as 9.99, and the referrer's 20% of
    9.99 is 1.998, paid 1.99."""
    config = '[zones.ad.ads]\nratio = "1"\nbacked = true\n'
    state = replay(
        tmp_path,
        config,
        join("A"),
        join("B", "A"),
        buy(1, "B", "999.99", "ad"),
        task("B", "ad", 2),
    )
    assert wallets(state, "B", "A") == ["9.99", "1.99"]


def test_b_a_tier_release_is_never_more_than_the_balance(tmp_path: Path) -> None:
    """03-modes.md:82-84: by band, 0–200 → 2, "never more than the balance": a balance
    of 3.00 releases 2, 2, then the last 1.00; a day without the task releases nothing
    and is not made up."""
    config = """
[zones.ad.ads]
ratio = "1"
rule = "tiers"
tiers = [{up_to = "200", release = "2"}, {up_to = "1000", release = "10"}, {release = "50"}]
backed = true
"""
    state = replay(
        tmp_path,
        config,
        buy(1, "A", "3.00", "ad"),
        task("A", "ad", 2),
        task("A", "ad", 4),  # day 3 had no task
        task("A", "ad", 5),
    )
    assert wallets(state, "A") == ["3.00"]
    assert mode(state, "ad", "ads")["owed"] == "0.00"


# ---------------------------------------------------------------------------- C


def test_c_referral_shares_without_quota_take_no_part_of_the_bonus(tmp_path: Path) -> None:
    """03-modes.md:92-99: referring a buyer earns shares at a configured rate; the bonus
    pool is split among members with quota left, by their shares. A refers B and never
    buys: A has shares but no quota, so B, the only member with quota, takes the whole
    day's pool (10% of 10000 = 1000), under B's quota of 20000."""
    config = """
[zones.q.quota]
multiple = "2"
spend_per_share = "2000"
referral_spend_per_share = "10000"
funding = "0.10"
"""
    state = replay(
        tmp_path,
        config,
        join("A"),
        join("B", "A"),
        buy(1, "B", "10000.00", "q"),
        day("q", 2),
    )
    assert wallets(state, "A", "B") == ["0.00", "1000.00"]
    assert mode(state, "q", "quota")["owed"] == "19000.00"


def test_c_a_reversed_purchase_after_its_bonus_takes_the_bonus_back(tmp_path: Path) -> None:
    """03-modes.md:164-166: a reversed order undoes everything it caused: the bonus paid
    on its quota is taken back from the buyer, the quota left is no longer owed. The
    money the order put in the pool stays there (docs/modes.md: what an order funded
    stays in the reserve) and is split again the next day to the other member."""
    config = """
[zones.q.quota]
multiple = "2"
spend_per_share = "2000"
funding = "0.10"
"""
    state = replay(
        tmp_path,
        config,
        buy(1, "A", "2000.00", "q"),
        buy(2, "B", "2000.00", "q"),
        day("q", 2),  # pool 400: 200 each
        reverse(1, 1),
        buy(3, "B", "2000.00", "q", day=3),
        day("q", 3),
    )
    assert wallets(state, "A") == ["0.00"]
    # B: 200 on day 2; on day 3 the pool holds the 200 A gave back and B's new 200, all
    # B's (the only member with quota left): 600, and B's quota left 3800 + 4000 − 400
    assert wallets(state, "B") == ["600.00"]
    assert mode(state, "q", "quota")["owed"] == "7400.00"


# ---------------------------------------------------------------------------- D


def test_d_an_order_used_up_exactly_stops_releasing(tmp_path: Path) -> None:
    """03-modes.md:108-110: each order releases 1.2% of its amount a day "until the
    order's points are used up". 100 × 3 = 300 points at 1.20 a day: 250 days, the last
    day pays 1.20 and the 251st nothing. Shortened here: 1.00 at multiple 0.06 gives
    0.06 points, released 0.01 a day (1.2% of 1.00, the smallest unit) in six days."""
    config = '[zones.g.green]\nmultiple = "0.06"\ndaily = "0.012"\nbacked = true\n'
    state = replay(
        tmp_path,
        config,
        buy(1, "A", "1.00", "g"),
        *(day("g", n) for n in range(2, 10)),
    )
    assert wallets(state, "A") == ["0.06"]
    assert mode(state, "g", "green")["owed"] == "0.00"


# ---------------------------------------------------------------------------- E


def test_e_a_static_payment_reversed_is_taken_back_and_the_queue_moves_on(
    tmp_path: Path,
) -> None:
    """03-modes.md:123-126 and 164-167: A's 100 credit is paid statically once the lock
    is over; A's order is then reversed: the 100 paid is taken back from A's wallet. The
    money stays in the pool and pays B's credit, next in the queue, in full."""
    config = '[zones.u.union]\nlock_days = 0\nfunding = "0.5"\n'
    state = replay(
        tmp_path,
        config,
        buy(1, "A", "100.00", "u"),
        buy(2, "B", "100.00", "u"),  # pool 100: A paid whole
        buy(3, "C", "100.00", "u"),  # pool 50: B waits
        reverse(1, 1),  # A gives the 100 back: pool 150, B paid whole, 50 left
        day("u", 2),
    )
    assert wallets(state, "A", "B", "C") == ["0.00", "100.00", "0.00"]
    union = mode(state, "u", "union")
    assert (union["owed"], union["reserve"]) == ("100.00", "50.00")


def test_e_the_lock_is_fifteen_days_after_joining_not_before(tmp_path: Path) -> None:
    """03-modes.md:123-124: payable 15 days after it joins. Joined on the 1st: the day
    run of the 15th pays nothing, the 16th pays it whole."""
    config = '[zones.u.union]\nlock_days = 15\nfunding = "1"\n'
    before = replay(tmp_path, config, buy(1, "A", "100.00", "u"), day("u", 15))
    assert wallets(before, "A") == ["0.00"]
    after = replay(tmp_path, config, buy(1, "A", "100.00", "u"), day("u", 16))
    assert wallets(after, "A") == ["100.00"]


# ---------------------------------------------------------------------------- F


def test_f_exactly_the_threshold_qualifies_a_fen_less_does_not(tmp_path: Path) -> None:
    """03-modes.md:135-139: an order qualifies when its amount reaches the threshold:
    1000.00 qualifies, 999.99 does not (and does not count among the three)."""
    config = '[zones.f.three_for_one]\nthreshold = "1000"\nrate = "0.7"\nbacked = true\n'
    state = replay(
        tmp_path,
        config,
        buy(1, "q1", "1000.00", "f"),
        buy(2, "x", "999.99", "f"),
        buy(3, "q2", "1000.00", "f"),
        buy(4, "q3", "1000.00", "f"),
    )
    assert wallets(state, "q1") == ["0.00"]  # two qualified after it, not three
    state = replay(tmp_path, config, *(buy(n, f"q{n}", "1000.00", "f") for n in range(1, 5)))
    assert wallets(state, "q1") == ["700.00"]


# ---------------------------------------------------------------------------- 02


def test_dividend_split_equally_rounds_down_and_keeps_the_remainder(tmp_path: Path) -> None:
    """02-distribution.md:95-99: a share of the period's turnover split equally within a
    level; "splitting rounds down and the remainder stays with the platform". The day's
    turnover is 1000.21; 5% is 50.0105, a pot of 50.01; four members at level 1 get
    12.50 each and the 0.01 left stays with the platform."""
    config = """
[distribution.team]
levels = [{performance = "100", rate = "0"}]
[[distribution.dividends]]
name = "v"
share = "0.05"
min_level = 1
"""
    state = replay(
        tmp_path,
        config,
        join("T"),
        join("A", "T"),
        join("B", "T"),
        join("C", "T"),
        *(join(f"{m}1", m) for m in "ABC"),
        *(
            {
                "type": "order",
                "id": f"o-{m}",
                "member": f"{m}1",
                "amount": "100.00",
                "contribution": "0",
                "at": "2026-11-01T12:00:00+08:00",
            }
            for m in "ABC"
        ),
        {
            "type": "order",
            "id": "o-T",
            "member": "T",
            "amount": "700.21",
            "contribution": "0",
            "at": "2026-11-01T13:00:00+08:00",
        },
        {"type": "dividend", "id": "div", "plan": "v", "start": "2026-11-01", "end": "2026-11-02"},
    )
    # T's team holds A, B, C and their referees (300); A, B and C 100 each: all level 1
    paid = wallets(state, "T", "A", "B", "C")
    assert paid == ["12.50", "12.50", "12.50", "12.50"]


# ---------------------------------------------------------------------------- 04


def test_a_log_naming_events_by_the_longest_ids_replays(tmp_path: Path) -> None:
    """04-platform.md:144 (the integrator's own id, up to 128 characters, is the member's
    or the order's id) and 189-191 (the whole state is rebuilt by replaying the log): the
    service names events by kind and id ("join:<member>", "order:<order>", "reverse:…"),
    longer than an id; such a log replays, and a refund of 10% of 1000 is taken back."""
    member, order = "m" * 128, "o" * 128
    config = "[zones.g.refer_three]\nbacked = true\n"
    state = replay(
        tmp_path,
        config,
        {"type": "join", "id": f"join:{'A' * 128}", "member": "A" * 128},
        {"type": "join", "id": f"join:{member}", "member": member, "referrer": "A" * 128},
        buy(1, "A" * 128, "1000.00", "g"),
        buy(2, member, "1000.00", "g") | {"id": f"order:{order}"},
        {"type": "day", "id": f"day:{'g' * 128}:2026-11-02", "zone": "g", "day": "2026-11-02"},
    )
    assert wallets(state, "A" * 128) == ["100.00"]
    state = replay(
        tmp_path,
        config,
        {"type": "join", "id": "j1", "member": "A"},
        {"type": "join", "id": "j2", "member": "B", "referrer": "A"},
        buy(1, "A", "1000.00", "g"),
        buy(2, "B", "1000.00", "g") | {"id": f"order:{order}"},
        {"type": "reverse", "id": f"reverse:{order}", "order": f"order:{order}"},
    )
    assert wallets(state, "A") == ["0.00"]


def test_an_event_id_past_three_hundred_characters_is_refused(tmp_path: Path) -> None:
    """docs/replay.md: a bad line stops the replay naming the line and the field."""
    log = write(tmp_path, {"type": "subsidy", "id": "x" * 301, "amount": "1.00"})
    result = runner.invoke(app, ["replay", str(log)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: line 1: id: must be 1 to 300 letters, digits or _.:@- and start with a letter"
        " or digit"
    )


def test_a_debt_an_order_opens_paying_in_cash_the_points_a_refund_took_back_is_counted(
    tmp_path: Path,
) -> None:
    """docs/modes.md G: an order whose points were spoken for as it was placed, and taken
    back by a refund since, pays them in cash as it completes, a debt with the wallet
    empty. The totals counted debts opened by corrections only: opened 0.00, settled
    -2000.00, open 2000.00; debts opened = settled + open."""
    config = '[zones.stores.shopping]\ngift = "2"\n[zones.mall.shopping]\nmax_share = "0.5"\n'
    state = replay(
        tmp_path,
        config,
        buy(1, "A", "1000.00", "stores"),
        reverse(1, 1),
        buy(2, "A", "4000.00", "mall", shopping_points="2000", points_spoken_for=True),
    )
    debts = state["totals"]["debts"]
    assert (debts["opened"], debts["settled"], debts["open"]) == ("2000.00", "0.00", "2000.00")
