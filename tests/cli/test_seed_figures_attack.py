"""Seed figures the golden tests did not hold yet, written out by hand from the spec's
arithmetic and run through `zengzhi replay` as a user runs it (attack-sim)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_replay import order, run_json, write


def _subsidy(event: str, amount: str) -> dict[str, str]:
    return {"type": "subsidy", "id": event, "amount": amount}


def test_seed_001_004_the_second_member_exits_at_20_41_and_the_third_follows(
    tmp_path: Path,
) -> None:
    # Seeds 001 一 / 004 一: with k = 3 the first member (210 points, spend 1000) exits
    # at 3000 / 210 = 14.2857, the second (147 points) at 3000 / 147 = 20.4082 ("20.41").
    # After the spec's three orders: B = 900.00, S = 210 + 147 + 124.95 = 481.95.
    # m1's cap: 210 × B >= 3000 × 481.95  <=>  B >= 6885.00: a subsidy of 5985.00.
    #   paid floor2(3000 × 0.8) = 2400.00; B = 4485.00, S = 271.95 (price 16.4920 <
    #   20.4082: m2 stays).
    # m2's cap: 147 × B >= 3000 × 271.95  <=>  B >= 5550.00: a subsidy of 1065.00
    #   (1064.99 is one fen short).  paid 2400.00; B = 3150.00, S = 124.95, and the
    #   price 3150 / 124.95 = 25.2101 is past m3's 3000 / 124.95 = 24.0096: the cascade
    #   exits m3 at once, paid 2400.00; B = 750.00, S = 0, the price held at 25.2101.
    config = tmp_path / "config.toml"
    config.write_text('[pool]\nmint_ratio = "0.70"\nsell_fee = "0.20"\nexit_multiple = "3"\n')
    lines: list[object] = [order(1, "m1"), order(2, "m2"), order(3, "m3")]
    lines += [_subsidy("x1", "5984.99"), _subsidy("x2", "0.01")]
    state = run_json(str(write(tmp_path, *lines)), "--config", str(config))
    assert state["exits"] == [
        {"event": "x2", "pool": "main", "member": "m1", "price": "14.2857", "payout": "2400.00"}
    ]
    assert (state["pool"]["balance"], state["pool"]["points"]) == ("4485.00", "271.9500")
    assert state["pool"]["price"] == "16.4920"  # 4485 / 271.95 = 16.49200…
    lines.append(_subsidy("x3", "1064.99"))
    state = run_json(str(write(tmp_path, *lines)), "--config", str(config))
    assert len(state["exits"]) == 1  # one fen short of m2's cap
    lines.append(_subsidy("x4", "0.01"))
    state = run_json(str(write(tmp_path, *lines)), "--config", str(config))
    assert [(e["event"], e["member"], e["price"], e["payout"]) for e in state["exits"]] == [
        ("x2", "m1", "14.2857", "2400.00"),
        ("x4", "m2", "20.4082", "2400.00"),
        ("x4", "m3", "25.2101", "2400.00"),
    ]
    assert (state["pool"]["balance"], state["pool"]["points"]) == ("750.00", "0.0000")
    assert state["pool"]["price"] == "25.2101"
    assert [state["members"][m]["wallet"] for m in ("m1", "m2", "m3")] == ["2400.00"] * 3


def test_a_percentage_split_applies_to_the_line_total(tmp_path: Path) -> None:
    # Spec 01: 9.99 × 100 at 30% contribution puts 299.70 in the pool (floor of
    # 999.00 × 0.3), minted 0.7 × 299.70 = 209.79 points at the opening 1.00; the
    # price is 299.70 / 209.79 = 1.428571… = 1.4286.
    # 9.99 × 7 = 69.93: 30% is 20.979, 20.97 to the pool (7 × floor2(2.997) would be
    # 20.93); 0.7 × 20.97 = 14.679 value at 1.4286 (exactly 299.70 / 209.79):
    # floor4(14.679 × 209.79 / 299.70) = floor4(10.2753) = 10.2753 points.
    config = tmp_path / "config.toml"
    config.write_text(
        '[pool]\nmint_ratio = "0.70"\nsell_fee = "0.20"\n\n'
        '[products.tea]\nprice = "9.99"\ncost = "70%"\ncontribution = "30%"\n'
    )
    log = write(
        tmp_path,
        {"type": "order", "id": "o1", "member": "m1", "product": "tea", "quantity": 100},
        {"type": "order", "id": "o2", "member": "m2", "product": "tea", "quantity": 7},
    )
    state = run_json(str(log), "--config", str(config))
    assert state["members"]["m1"]["points"] == "209.7900"
    assert state["members"]["m1"]["principal"] == "999.00"
    assert state["members"]["m2"]["points"] == "10.2753"
    assert state["members"]["m2"]["principal"] == "69.93"
    assert state["pool"]["balance"] == "320.67"  # 299.70 + 20.97
    assert state["pool"]["points"] == "220.0653"
