"""Issue 19's events through `zengzhi replay`: a log with a store's recruiter, a batch
re-binding, a conversion, third-party income and a boosted campaign replays clean."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.cli.test_replay import run_json, write

CONFIG = """
[distribution]
overflow = "platform"
[distribution.commission]
rates = ["0.01", "0.005"]
pay_in = "contribution"
[distribution.recruiter]
rate = "0.01"
indirect_members = true

[stores.B]
commission_rate = "0.20"
distribution_rate = "0.03"
owner = "b"
recruiter = "A"
zone = "ads"

[zones.ads.ads]
ratio = "1"
"""


def test_a_log_of_the_seed_rules_replays(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    log = write(
        tmp_path,
        {"type": "join", "id": "j1", "member": "A"},
        {"type": "join", "id": "j2", "member": "x"},
        {"type": "join", "id": "j3", "member": "b", "referrer": "x"},
        {"type": "join", "id": "j4", "member": "u", "store": "B"},
        {"type": "order", "id": "o1", "member": "u", "store": "B", "amount": "1000.00"},
        {
            "type": "mode_income",
            "id": "i1",
            "zone": "ads",
            "mode": "ads",
            "amount": "50.00",
            "source": "advertiser 7",
        },
        {"type": "convert", "id": "v1", "into": "cash", "rate": "1", "reason": "year end"},
        {
            "type": "reassign_referees",
            "id": "r1",
            "member": "b",
            "referrer": "A",
            "reason": "report 12",
        },
    )
    state = run_json(str(log), "--config", str(config))
    members = state["members"]
    # A: 5.00 of 间推 into contribution, converted; 10.00 recruiter reward in cash
    assert members["A"]["wallet"] == "15.00"
    assert members["b"]["wallet"] == "10.00"
    assert members["x"]["wallet"] == "0.00"
    totals = state["totals"]
    assert totals["money_in"]["third_parties"] == "50.00"  # the advertiser's money came in
    assert totals["held"]["mode_reserves"] == "50.00"
    # conservation from the output alone: money in = money out + money held
    money_in, out, held = (Decimal(totals[k]["all"]) for k in ("money_in", "money_out", "held"))
    assert money_in == out + held
    assert Decimal(totals["held"]["platform"]) >= 0
