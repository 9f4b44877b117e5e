"""`zengzhi replay` and `zengzhi pool` as a user runs them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from zengzhi.cli import app
from zengzhi.i18n.format import money

runner = CliRunner()


def write(tmp_path: Path, *lines: object, name: str = "events.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    return path


def order(n: int, member: str, amount: str = "1000.00", contribution: str = "300.00") -> dict:
    return {
        "type": "order",
        "id": f"o{n}",
        "member": member,
        "amount": amount,
        "contribution": contribution,
    }


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["replay", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_json_state_of_the_sale_example(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        order(1, "m1"),
        order(2, "m2"),
        {"type": "sell", "id": "s1", "member": "m2", "points": "147.0000"},
    )
    state = run_json(str(log))
    assert (state["pool"]["balance"], state["pool"]["points"], state["pool"]["price"]) == (
        "402.36",
        "210.0000",
        "1.9160",
    )
    assert state["members"]["m2"] == {
        "wallet": "197.64",
        "debt": "0.00",
        "points": "0.0000",
        "principal": "1000.00",
        "realized": "247.05",
    }
    assert state["members"]["m1"]["points"] == "210.0000"
    assert state["exits"] == []


def test_exits_are_listed_in_the_order_they_happened(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[pool]\nmint_ratio = 0.70\nsell_fee = "0.20"\nexit_multiple = "2"\n')
    log = write(
        tmp_path,
        order(1, "m1"),
        order(2, "m2"),
        {"type": "subsidy", "id": "x1", "amount": "50000.00"},
    )
    state = run_json(str(log), "--config", str(config))
    assert [(e["member"], e["payout"]) for e in state["exits"]] == [
        ("m1", "1600.00"),
        ("m2", "1600.00"),
    ]
    assert state["exits"][0]["price"] < state["exits"][1]["price"]
    assert state["members"]["m1"]["wallet"] == "1600.00"


def test_configure_changes_any_pool_parameter(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        order(1, "m1"),
        {"type": "configure", "id": "c1", "exit_multiple": "3", "sell_fee": "0.1"},
        {"type": "subsidy", "id": "x1", "amount": "2700.00"},
    )
    state = run_json(str(log))
    assert state["pool"]["params"]["exit_multiple"] == "3"
    assert state["exits"] == [
        {"event": "x1", "pool": "main", "member": "m1", "price": "14.2857", "payout": "2700.00"}
    ]


def test_a_duplicate_id_is_applied_once(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        order(1, "m1"),
        order(1, "m1"),
        {"type": "sell", "id": "s1", "member": "m1", "points": "10"},
        {"type": "sell", "id": "s1", "member": "m1", "points": "10"},
    )
    state = run_json(str(log))
    assert state["members"]["m1"]["points"] == "200.0000"
    assert state["events"] == {"applied": 2, "duplicates": 2}


def test_a_duplicate_is_the_same_event_however_it_is_written(tmp_path: Path) -> None:
    again = '{"contribution": "300", "amount": "1000", "member": "m1", "id": "o1", "type": "order"}'
    log = write(tmp_path, order(1, "m1"), again, order(1, "m1", contribution="300.01"))
    result = runner.invoke(app, ["replay", str(log), "--json"])
    assert result.exit_code == 1
    assert "line 3: id: 'o1' was already used by an event with other content" in result.stderr
    state = run_json(str(write(tmp_path, order(1, "m1"), again, name="twice.jsonl")))
    assert state["events"] == {"applied": 1, "duplicates": 1}


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        ({"type": "refund", "id": "z"}, "line 2: type: unknown event type 'refund'"),
        (
            {"type": "order", "id": "z", "member": "m2", "amount": "10.00"},
            "line 2: contribution: is required",
        ),
        (
            {"type": "order", "id": "z", "member": "m2", "contribution": "1"},
            "line 2: amount: is required",
        ),
        (
            {"type": "order", "id": "z", "member": "m2", "amount": "-5", "contribution": "0"},
            "line 2: amount: must be greater than 0",
        ),
        (
            {"type": "order", "id": "z", "member": "m2", "amount": "ten", "contribution": "0"},
            "line 2: amount: 'ten' is not a decimal such as \"12.50\"",
        ),
        (
            {"type": "order", "id": "z", "member": "m2", "amount": 10.5, "contribution": "1"},
            'line 2: amount: must be a decimal string such as "12.50", not the number 10.5',
        ),
        (
            {"type": "order", "id": "z", "member": "m2", "amount": 10, "contribution": "1"},
            'line 2: amount: must be a decimal string such as "12.50", not the number 10',
        ),
        (
            {"type": "sell", "id": "z", "member": "m1", "points": "211"},
            "line 2: points: cannot sell 211.0000 points: m1 holds 210.0000",
        ),
        (
            {"type": "sell", "id": "z", "member": "ghost", "points": "1"},
            "line 2: member: unknown member 'ghost'",
        ),
        ({"type": "sell", "id": "z", "member": "m1"}, "line 2: points: is required"),
        (
            {"type": "subsidy", "id": "z", "amount": "1.001"},
            "line 2: amount: 1.001 has more than 2 decimal places",
        ),
        (
            {"type": "configure", "id": "z", "mint_ratio": "1"},
            "line 2: mint_ratio: must be below 1",
        ),
        (
            {"type": "order", "id": "o1", "member": "m9", "amount": "1.00", "contribution": "0"},
            "line 2: id: 'o1' was already used by an event with other content",
        ),
        ('{"type": "order", "id": ', "line 2: line: not valid JSON"),
        (
            {
                "type": "order",
                "id": "z",
                "member": "m2",
                "amount": "1",
                "contribution": "1",
                "colour": "red",
            },
            "line 2: colour: is not a known field",
        ),
    ],
)
def test_a_bad_line_stops_the_replay_and_prints_no_state(
    tmp_path: Path, bad: object, where: str
) -> None:
    log = write(tmp_path, order(1, "m1"), bad, order(3, "m3"))
    result = runner.invoke(app, ["replay", str(log), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert where in result.stderr.replace("\n", " ")


def test_a_bad_config_names_its_field(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[pool]\nmint_ratio = "1.2"\n')
    result = runner.invoke(
        app, ["replay", str(write(tmp_path, order(1, "m1"))), "--config", str(config)]
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert "pool.mint_ratio: must be below 1" in result.stderr.replace("\n", " ")


def test_products_and_stores_come_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[products.gift]\nprice = "1000.00"\ncost = "30%"\ndistribution = "30%"\n'
        'platform = "10%"\ncontribution = "30%"\n\n'
        '[pools.local]\nexit_multiple = "1.2"\n\n'
        '[stores.noodles]\ncommission_rate = "0.20"\nplatform_rate = "0.02"\n'
        'distribution_rate = "0.02"\npool = "local"\n'
    )
    log = write(
        tmp_path,
        {"type": "order", "id": "o1", "member": "m1", "product": "gift", "quantity": 2},
        {"type": "order", "id": "o2", "member": "m2", "store": "noodles", "amount": "1000.00"},
    )
    state = run_json(str(log), "--config", str(config))
    assert state["pools"]["main"]["balance"] == "600.00"
    assert state["members"]["m1"]["principal"] == "2000.00"
    assert state["pools"]["local"]["balance"] == "160.00"
    assert state["members"]["m2"]["positions"]["local"]["points"] == "112.0000"


def test_the_quick_look_shows_price_and_nearest_exits(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[pool]\nexit_multiple = "2"\n')
    log = write(tmp_path, *[order(n, f"m{n}") for n in range(1, 6)])
    result = runner.invoke(app, ["pool", str(log), "--config", str(config), "--top", "3"])
    assert result.exit_code == 0, result.stderr
    state = run_json(str(log), "--config", str(config))
    assert f"│ price          │ ¥{state['pool']['price']}" in result.stdout  # ¥ on amounts
    assert f"│ balance        │ {money(state['pool']['balance'])}" in result.stdout
    table = result.stdout[result.stdout.index("nearest to exit") :]
    assert table.index("m1") < table.index("m2") < table.index("m3")
    assert "m4" not in table.split("exits")[0]


events = st.lists(
    st.one_of(
        st.builds(
            lambda n, m, a, c: {
                "type": "order",
                "id": f"o{n}",
                "member": f"m{m}",
                "amount": f"{a}.00",
                "contribution": f"{a * c // 100}.00",
            },
            st.integers(0, 30),
            st.integers(0, 5),
            st.integers(1, 5000),
            st.integers(0, 100),
        ),
        st.builds(
            lambda n, m: {"type": "sell", "id": f"s{n}", "member": f"m{m}", "points": "all"},
            st.integers(0, 30),
            st.integers(0, 5),
        ),
        st.builds(
            lambda n, a: {"type": "subsidy", "id": f"x{n}", "amount": f"{a}.00"},
            st.integers(0, 30),
            st.integers(1, 5000),
        ),
    ),
    max_size=40,
)


@settings(max_examples=30, deadline=None)
@given(events=events)
def test_replay_is_deterministic(
    tmp_path_factory: pytest.TempPathFactory, events: list[dict]
) -> None:
    path = write(tmp_path_factory.mktemp("log"), *events)
    first = runner.invoke(app, ["replay", str(path), "--json"])
    second = runner.invoke(app, ["replay", str(path), "--json"])
    assert (first.exit_code, first.stdout, first.stderr) == (
        second.exit_code,
        second.stdout,
        second.stderr,
    )


def test_a_reversal_in_the_log_undoes_its_order(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        order(1, "m1"),
        order(2, "m2"),
        {"type": "reverse", "id": "r1", "order": "o2"},
    )
    state = run_json(str(log))
    assert state["members"]["m2"]["points"] == "0.0000"
    assert (state["pool"]["balance"], state["pool"]["points"]) == ("600.00", "210.0000")
    again = write(
        tmp_path,
        order(1, "m1"),
        {"type": "reverse", "id": "r1", "order": "o1"},
        {"type": "reverse", "id": "r2", "order": "o1"},
        name="twice.jsonl",
    )
    result = runner.invoke(app, ["replay", str(again)])
    assert result.exit_code == 1
    assert "line 3: order: order 'o1' was already reversed by 'r1'" in result.stderr


def test_a_reversal_in_a_replay_takes_back_the_rewards(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[distribution.commission]\nrates = ["0.01"]\n')
    log = write(
        tmp_path,
        {"type": "join", "id": "j1", "member": "a"},
        {"type": "join", "id": "j2", "member": "b", "referrer": "a"},
        {
            "type": "order",
            "id": "o1",
            "member": "b",
            "amount": "1000.00",
            "split": {"distribution": "100.00", "platform": "600.00", "contribution": "300.00"},
        },
        {"type": "reverse", "id": "r1", "order": "o1"},
    )
    state = run_json(str(log), "--config", str(config))
    assert state["members"]["a"]["wallet"] == "0.00"
    assert state["ledger"]["totals"]["CNY"] == "0.00"
    kept = write(tmp_path, *log.read_text().splitlines()[:3], name="kept.jsonl")
    assert run_json(str(kept), "--config", str(config))["members"]["a"]["wallet"] == "10.00"


def test_days_are_counted_in_the_configurations_time_zone(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        {"type": "zone", "id": "z1", "zone": "club", "settings": {"ads": {"ratio": "1.1"}}},
        order(1, "m1", "100.00", "50.00") | {"zone": "club", "at": "2026-11-21T17:00:00Z"},
        {
            "type": "task",
            "id": "t1",
            "member": "m1",
            "zone": "club",
            "day": "2026-11-22",
            "at": "2026-11-21T17:30:00+00:00",
        },  # 01:30 on the 22nd in Shanghai
    )
    state = run_json(str(log))  # the default: Asia/Shanghai
    assert state["events"]["applied"] == 3
    in_utc = tmp_path / "utc.toml"
    in_utc.write_text('timezone = "UTC"\n')
    refused = runner.invoke(app, ["replay", str(log), "--config", str(in_utc)])
    assert refused.exit_code == 1 and refused.stdout == ""
    assert "line 3: day: a day's task is done on that day: today is 2026-11-21 (UTC)" in (
        refused.stderr.replace("\n", " ")
    )
    nowhere = tmp_path / "nowhere.toml"
    nowhere.write_text('timezone = "Asia/Atlantis"\n')
    refused = runner.invoke(app, ["replay", str(log), "--config", str(nowhere)])
    assert refused.exit_code == 1 and "timezone: unknown time zone 'Asia/Atlantis'" in (
        refused.stderr.replace("\n", " ")
    )


def test_the_json_totals_show_conservation_from_the_output_alone(tmp_path: Path) -> None:
    """Money in by source = money out + money held; debts opened = settled + open; what
    reversals cost the platform, with what members owe back (issue 14)."""
    log = write(
        tmp_path,
        order(1, "m1"),
        {"type": "sell", "id": "s1", "member": "m1", "points": "209.9999"},
        {"type": "withdraw", "id": "w1", "member": "m1", "amount": "239.99"},
        {"type": "withdraw_pay", "id": "p1", "withdrawal": "w1"},
        {"type": "reverse", "id": "r1", "order": "o1"},
        {"type": "subsidy", "id": "x1", "amount": "100.00"},
        order(2, "m1"),
        {"type": "sell", "id": "s2", "member": "m1", "points": "all"},
    )
    totals = run_json(str(log))["totals"]
    money_in, money_out, held = totals["money_in"], totals["money_out"], totals["held"]
    assert Decimal(held["all"]) == Decimal(money_in["all"]) - Decimal(money_out["all"])
    assert money_in["customers"] == "1000.00"  # two orders of 1000, one refunded
    assert money_in["operator"] == "100.00" and money_out["bank"] == "239.99"
    assert Decimal(held["debts"]) + Decimal(held["receivables"]) == 0
    debts = totals["debts"]
    assert debts["opened"] == "239.99"  # what the first sale paid, not 126 million
    assert Decimal(debts["opened"]) == Decimal(debts["settled"]) + Decimal(debts["open"])
    assert Decimal(debts["settled"]) > 0  # the second sale's payout paid it first
    assert totals["reversal_cost"]["borne"] == str(Decimal("300.00") - Decimal(debts["settled"]))
    assert totals["reversal_cost"]["owed_back"] == debts["open"]
