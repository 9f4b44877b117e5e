"""An independent check of what the simulator's report states, against the engine's
own state scanned after the run (issue: attack-sim)."""

from __future__ import annotations

import warnings
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.sim.test_simulator import gift, scenario
from zengzhi.core.errors import DomainError
from zengzhi.core.events import CompleteOrder, Join
from zengzhi.i18n import Translator
from zengzhi.i18n.format import money as fmt_money
from zengzhi.sim.batch import plan, run_job
from zengzhi.sim.report import findings, write_charts
from zengzhi.sim.run import RunResult, Simulation, _quantile
from zengzhi.sim.verdict import verdict
from zengzhi.sim.verdict_text import verdict_lines


def _scenario(**sections: Any) -> Any:
    """test_simulator's scenario, shorter and smaller by default."""
    short: dict[str, Any] = {
        "simulation": {"days": 20, "seed": 3},
        "tenant": {"pool": {"exit_multiple": "2"}},
        "flow": {"orders_per_day": 5},
    }
    for name, values in sections.items():
        short[name] = {**short.get(name, {}), **values} if isinstance(values, dict) else values
    return scenario(**short)


def _promise_by_scan(simulation: Simulation) -> Decimal:
    """(1 − f) × Σ (k × principal − realized) over the open positions, read from the
    pool's positions themselves (not from the simulator's running sums), to the fen
    down."""
    params = simulation.pool.params
    assert params.exit_multiple is not None
    k = Decimal(params.exit_multiple.text)
    fee = Decimal(params.sell_fee.text)
    cap = sum(
        (k * Decimal(p.principal) - Decimal(p.realized) for p in simulation.pool.positions),  # type: ignore[attr-defined]
        Decimal(0),
    )
    return (max(cap, Decimal(0)) * (1 - fee) / 100).quantize(Decimal("0.01"), ROUND_DOWN)


def test_the_promise_counts_only_principal_that_staked_points() -> None:
    # m = 0 mints no point: no position opens, so nothing is promised at any cap; a
    # zone whose minting stops on day 9 stakes nothing from then on (spec 01: paused
    # issuance opens no stake). The simulator added every order's amount to its
    # promise while the pool's own minting was on.
    for tenant, flow in (
        ({"pool": {"exit_multiple": "2", "mint_ratio": "0"}}, {}),
        (
            {"zones": {"z": {"mint_until": "2026-01-10T00:00:00+08:00"}}},
            {"zone": "z"},
        ),
    ):
        simulation = Simulation(_scenario(tenant=tenant, flow=flow), 3)
        result = simulation.run()
        scanned = _promise_by_scan(simulation)
        assert Decimal(result.summary["liability"]) == scanned, tenant
        assert Decimal(result.days[-1]["liability"]) == scanned, tenant
    # the m = 0 run: nothing promised, so the coverage is blank, not a shortfall
    simulation = Simulation(
        _scenario(tenant={"pool": {"exit_multiple": "2", "mint_ratio": "0"}}), 3
    )
    result = simulation.run()
    assert result.summary["liability"] == "0.00"
    assert all(row["coverage"] == "" for row in result.days)


def test_a_shortfall_is_never_said_as_fully_covered() -> None:
    # the pool holds 99,999.99 of 100,000.00 promised (99.99999%) and the union queue
    # 999.99 of 1,000.00: the verdict says the promises cannot be kept, so its
    # coverage must not read 100% (it rounded half-even to one decimal of a percent);
    # a tiny share is no 0%, and the verdict and the findings say it alike
    summary = {
        "days": 1,
        "members": 1600,
        "members_exited": 1,
        "members_holding": 1598,
        "spend": "1600000.00",
        "paid_to_members": "1000.00",  # 0.0625% of the spend
        "held_at_sale_rate": "0.00",
        "pool": "99999.99",
        "liability": "100000.00",
        "price_first": "1.0000",
        "price_last": "1.0000",
        "union@z_paid": "0.00",
        "union@z_owed": "1000.00",
        "union@z_reserve": "999.99",
        "union@z_coverage": "0.9999",
        "union@z_backed": False,
    }
    row = {"day": 0, "pool": "99999.99", "coverage": "0.9999", "union@z_reserve": "999.99"}
    run = RunResult([row], [], {}, summary)
    found = verdict(run)
    assert not found.kept
    assert Decimal(found.coverage or "1") < 1
    for language in ("en", "zh"):
        t = Translator(language)
        told, said = verdict_lines(found, t), findings([run], _scenario(), t)
        text = "\n".join(told + said)
        assert "100%" not in text and "100.0%" not in text, text
        assert "99.9%" in text, text
        # paid 1,000.00 of 1,600,000.00 is 0.0625%: 0.06% in the verdict and the
        # findings alike (the verdict said 0.1%)
        assert "0.06%" in told[-4] and "0.06%" in "\n".join(said), text


def test_an_events_values_are_refused_with_the_scenario_naming_the_event() -> None:
    # they were accepted, the run went on until the event's day, then stopped naming
    # "amount" or "mint_ratio" (not which event): a year at a million orders a day
    # simulated to refuse a negative subsidy on day 300
    for event, field in (
        ({"subsidy": "-10"}, "events.0.subsidy"),
        ({"subsidy": "0"}, "events.0.subsidy"),
        ({"subsidy": "1.001"}, "events.0.subsidy"),
        ({"subsidy": "1" + "0" * 21}, "events.0.subsidy"),
        ({"configure": {"exitmultiple": "2"}}, "events.0.configure.exitmultiple"),
        ({"configure": {"mint_ratio": "1"}}, "events.0.configure.mint_ratio"),
        ({"configure": {"exit_multiple": "0"}}, "events.0.configure.exit_multiple"),
        ({"configure": {"sell_fee": "1"}}, "events.0.configure.sell_fee"),
    ):
        with pytest.raises(DomainError) as error:
            _scenario(events=[{"day": 3, **event}])
        assert error.value.field == field, (event, error.value)
    # a good one still loads
    assert _scenario(events=[{"day": 3, "subsidy": "10.50", "configure": {"sell_fee": "0.5"}}])


def test_a_pool_parameter_s_refusal_says_what_that_parameter_takes() -> None:
    # `minting_enabled = "no"` was "'no' is not a decimal": every value was read as a
    # decimal before the parameter was known
    for value, field, said in (
        ("no", "minting_enabled", "must be true or false"),
        (1, "minting_enabled", "must be true or false"),
        (2, "exit_multiple", 'must be a decimal string such as "12.50", not the number 2'),
        (0.5, "mint_ratio", 'must be a decimal string such as "12.50", not the number 0.5'),
        ([1], "exit_multiple", 'must be a decimal string such as "12.50", not a list'),
        ({"a": 1}, "sell_fee", 'must be a decimal string such as "12.50", not a dict'),
    ):
        with pytest.raises(DomainError) as error:
            _scenario(events=[{"day": 3, "configure": {field: value}}])
        refused = error.value
        assert (refused.field, refused.message) == (f"events.0.configure.{field}", said), value
    assert _scenario(events=[{"day": 3, "configure": {"minting_enabled": False}}])


def test_a_flow_past_a_million_orders_a_day_is_refused_whatever_its_shape() -> None:
    # orders_per_day is bounded at 1,000,000, but a growing flow (2 ^ day) or a table
    # went past it unchecked: the run never ended (and kept a member per order); a
    # negative table entry was read as no orders
    for flow, field in (
        ({"shape": "growing", "rate": "1"}, "flow.rate"),
        ({"shape": "table", "table": [5, 1_000_001]}, "flow.table.1"),
        ({"shape": "table", "table": [5, -2]}, "flow.table.1"),
    ):
        with pytest.raises(DomainError) as error:
            _scenario(simulation={"days": 40}, flow=flow)
        assert error.value.field == field, (flow, error.value)
    # 5 × 2^17 = 655,360 on day 17 (the last of 18 days) is within the bound; the same
    # flow over 19 days reaches 1,310,720
    assert _scenario(simulation={"days": 18}, flow={"shape": "growing", "rate": "1"})
    with pytest.raises(DomainError) as error:
        _scenario(simulation={"days": 19}, flow={"shape": "growing", "rate": "1"})
    assert error.value.field == "flow.rate"
    # a sweep of the orders a day that makes the growing flow too big is refused too
    with pytest.raises(DomainError) as error:
        _scenario(
            simulation={"days": 18},
            flow={"shape": "growing", "rate": "1"},
            sweep={"parameter": "flow.orders_per_day", "values": ["5", "10"]},
        )
    assert error.value.field == "sweep.flow.rate"


def test_a_covered_promise_is_not_said_to_need_future_orders() -> None:
    # with a 99% sell fee the pool held 2500% of what its exits promise, and the
    # findings said "it covers 2500.0% of its promises. The rest can only come from
    # future orders" (so did a mode whose reserve held more than it owed)
    summary = {
        "days": 1,
        "members": 10,
        "members_exited": 0,
        "members_holding": 10,
        "spend": "1000.00",
        "paid_to_members": "0.00",
        "held_at_sale_rate": "0.00",
        "pool": "300.00",
        "liability": "12.00",
        "price_first": "1.0000",
        "price_last": "1.0000",
        "union@z_paid": "0.00",
        "union@z_owed": "100.00",
        "union@z_reserve": "150.00",
        "union@z_coverage": "1.5",
        "union@z_backed": False,
    }
    run = RunResult([{"day": 0, "pool": "300.00", "coverage": "25"}], [], {}, summary)
    for language, rest in (("en", "rest"), ("zh", "其余")):
        said = "\n".join(findings([run], _scenario(), Translator(language)))
        assert "2500.0%" in said and "150.0%" in said, said
        assert rest not in said, said
    # short, they still say where the rest must come from
    short = {**summary, "pool": "6.00", "union@z_reserve": "50.00"}
    said = "\n".join(findings([RunResult(run.days, [], {}, short)], _scenario(), Translator("en")))
    assert said.count("The rest can only come from future orders") == 1
    assert said.count("the rest can only come from future orders") == 1


def _promise_of_holders(simulation: Simulation) -> Decimal:
    """The promise over the positions that hold points: one with none can never reach
    its cap (the engine never forces it out), so it is promised nothing."""
    params = simulation.pool.params
    assert params.exit_multiple is not None
    k, fee = Decimal(params.exit_multiple.text), Decimal(params.sell_fee.text)
    held = [p for p in simulation.pool.positions if p.points]  # type: ignore[attr-defined]
    cap = sum((k * p.principal - p.realized for p in held), Decimal(0))
    return (max(cap, Decimal(0)) // 1 * (1 - fee) / 100).quantize(Decimal("0.01"), ROUND_DOWN)


def test_the_promise_follows_the_positions_through_sales_and_a_lower_exit_multiple() -> None:
    # members panic-sell everything (their positions stay open with no points), then
    # the operator lowers k to 1.01 and the fee to 0: positions past the new cap with
    # no points close with nothing to pay and no exit record, and the simulator kept
    # their principal in its promise (1,785,593.64 where the positions held
    # 1,796,315.36 in a 60-day run), and promised the sold-out positions their caps
    chosen = _scenario(
        simulation={"days": 30, "seed": 2},
        tenant={"pool": {"exit_multiple": "1.5"}},
        flow={"orders_per_day": 60, "shape": "stop", "stop_after_day": 12},
        members={"new_share": "0.5", "selling": "panic", "panic_stall_days": 2},
        events=[
            {"day": 15, "subsidy": "100000.00"},
            {"day": 20, "configure": {"exit_multiple": "1.01", "sell_fee": "0"}},
        ],
    )
    simulation = Simulation(chosen, 2)
    rows: list[tuple[str, Decimal]] = []
    row = simulation._row

    def checked(day: int, *rest: Any) -> dict[str, Any]:
        written = row(day, *rest)
        rows.append((written["liability"], _promise_of_holders(simulation)))
        return written

    simulation._row = checked  # type: ignore[method-assign]
    result = simulation.run()
    assert sum(r["sales"] for r in result.days) > 0
    sold_out = [p for p in simulation.pool.positions if not p.points]  # type: ignore[attr-defined]
    assert sold_out  # positions open with no points: promised nothing
    assert [Decimal(stated) for stated, _ in rows] == [scanned for _, scanned in rows]


def test_who_is_left_holding_points_counts_the_members_who_hold_them() -> None:
    # the verdict said "the members not forced out (994), holding points worth
    # ¥14,783.43" where 4 members held any point: the rest had sold theirs in a panic
    # (and a member forced out who bought again holds points, but was not counted)
    chosen = _scenario(
        simulation={"days": 30, "seed": 2},
        tenant={"pool": {"exit_multiple": "1.5"}},
        flow={"orders_per_day": 60, "shape": "stop", "stop_after_day": 12},
        members={"new_share": "0.5", "selling": "panic", "panic_stall_days": 2},
        events=[{"day": 15, "subsidy": "100000.00"}],
    )
    simulation = Simulation(chosen, 2)
    result = simulation.run()
    holding = [p for p in simulation.pool.positions if p.points]  # type: ignore[attr-defined]
    found = verdict(result)
    assert found.holders == len(holding)
    assert found.holders < result.summary["members"] - result.summary["members_exited"]
    for language, said in (("en", f"({len(holding):,})"), ("zh", f"{len(holding):,} 名")):
        assert said in verdict_lines(found, Translator(language))[-3]


def test_the_verdicts_payout_says_what_it_counts() -> None:
    # "members were paid ¥X in all" left the distribution rewards out (they went to
    # the same wallets): the sentence says what X is, and X with the rewards is every
    # yuan in the members' wallets (nothing is withdrawn in a simulation)
    chosen = _scenario(
        tenant={
            "pool": {"exit_multiple": "1.2"},
            "products": {"gift": gift()},
            "distribution": {"commission": {"rates": ["0.05", "0.02"]}},
        },
        flow={"product": "gift", "orders_per_day": 20},
        members={"referred_share": "0.9"},
        events=[{"day": 10, "subsidy": "200000.00"}],
    )
    result = Simulation(chosen, 3).run()
    summary = result.summary
    found = verdict(result)
    assert Decimal(summary["rewards"]) > 0 and found.exited > 0
    assert Decimal(found.paid) + Decimal(summary["rewards"]) == Decimal(summary["wallets"])
    for language, apart in (("en", "distribution rewards apart"), ("zh", "分销奖励另计")):
        lines = verdict_lines(found, Translator(language))
        assert any(apart in line and fmt_money(found.paid) in line for line in lines), lines


def test_a_cohort_exactly_half_exited_has_a_median() -> None:
    # 5 of 10 members exited, on days 3, 5, 7, 9 and 11: half the cohort was out by day
    # 11, which is the median (the smallest day by which at least half had exited, as a
    # survival curve reads it). The median was empty, and the findings said "more than
    # half of them did not exit" of a cohort half of which did, and left it out of "the
    # last cohort in which at least half exited"
    assert _quantile([3, 5, 7, 9, 11], 10, Fraction(1, 2)) == "11"
    assert _quantile([3, 5, 7, 9], 10, Fraction(1, 2)) == ""  # fewer than half
    # 9 of 10 out by day 17: the 90th percentile is day 17
    assert _quantile([1, 2, 3, 4, 5, 6, 7, 8, 17], 10, Fraction(9, 10)) == "17"
    assert _quantile([1, 2, 3, 4, 5, 6, 7, 8], 10, Fraction(9, 10)) == ""
    # 3 of 5 out: the median is the 3rd exit (ceil(2.5) = 3 members), as before
    assert _quantile([2, 4, 6], 5, Fraction(1, 2)) == "6"
    assert _quantile([], 0, Fraction(1, 2)) == ""


def test_a_sweeps_verdict_names_the_value_it_is_about() -> None:
    # a sweep's report opened with "This configuration cannot keep its promises" about
    # the first run of the first swept value without saying which: with exit_multiple
    # 1.2, 2 and 3 side by side, "this configuration" was any of them
    chosen = _scenario(sweep={"parameter": "pool.exit_multiple", "values": ["1.2", "3"]})
    first = run_job(plan(chosen)[0])
    found = verdict(first)
    # (the Chinese named the parameter in English alone: it says what it is first now)
    for language, said in (
        ("en", "With exit multiple (exit_multiple) = 1.2: "),
        ("zh", "封顶倍数（exit_multiple） = 1.2时："),
    ):
        lines = verdict_lines(found, Translator(language))
        assert all(line.startswith(said) for line in lines), lines
    # without a sweep, no prefix
    plain = verdict(Simulation(_scenario(), 3).run())
    assert not verdict_lines(plain, Translator("en"))[0].startswith("With")


def test_rewards_the_budget_cuts_whole_are_counted_as_cut() -> None:
    # each order of 1,000.00 owes its referrer 1% (10.00) and theirs 1% (10.00), from a
    # distribution budget of 1.00 (overflow off): the first reward is paid 1.00 and cut
    # 9.00, the second is cut whole, 10.00. The whole cut was booked nowhere the
    # simulator could see, and rewards_cut said 9.00 an order where 19.00 went unpaid
    chosen = _scenario(
        tenant={
            "pool": {"exit_multiple": "2"},
            "products": {"gift": gift(cost="699.00", distribution="1.00", platform="0")},
            "distribution": {"commission": {"rates": ["0.01", "0.01"]}},
        },
        flow={"product": "gift", "orders_per_day": 10},
        members={"referred_share": "1", "new_share": "0.8"},
    )
    simulation = Simulation(chosen, 3, record=True)
    result = simulation.run()
    assert simulation.recorded is not None
    referrer: dict[str, str | None] = {}
    owed = Decimal(0)  # what the rates owe, by hand: 10.00 to each of up to two uplines
    for event in simulation.recorded:
        if isinstance(event, Join):
            referrer[event.member] = event.referrer
        elif isinstance(event, CompleteOrder):
            up = referrer.get(event.member)
            for _ in range(2):
                if up is None:
                    break
                owed += Decimal("10.00")
                up = referrer.get(up)
    paid = Decimal(result.summary["rewards"])
    cut = sum((Decimal(row["rewards_cut"]) for row in result.days), Decimal(0))
    assert owed > 0 and paid > 0
    assert paid + cut == owed, (paid, cut, owed)


def test_rewards_all_cut_are_said() -> None:
    # orders given by amount carry no distribution budget: with commission rates set
    # every reward is cut whole. The findings said nothing of distribution at all
    chosen = _scenario(
        tenant={
            "pool": {"exit_multiple": "2"},
            "distribution": {"commission": {"rates": ["0.01"]}},
        },
        flow={"orders_per_day": 10, "amount_min": "100.00", "amount_max": "100.00"},
        members={"referred_share": "1", "new_share": "0.8"},
    )
    result = Simulation(chosen, 3).run()
    cut = sum((Decimal(row["rewards_cut"]) for row in result.days), Decimal(0))
    assert result.summary["rewards"] == "0.00" and cut > 0
    for language in ("en", "zh"):
        said = findings([result], chosen, Translator(language))
        assert any(fmt_money(f"{cut:.2f}") in line for line in said), said


def test_a_run_without_orders_draws_its_charts_without_a_warning(tmp_path: Path) -> None:
    # with no order there is no cohort: the cohorts chart called legend() on nothing and
    # matplotlib printed a UserWarning on the command's output
    chosen = _scenario(flow={"orders_per_day": 0})
    result = Simulation(chosen, 3).run()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        names = write_charts(tmp_path, [result], chosen, Translator("en"))
    assert "cohorts" in names and (tmp_path / "cohorts.png").exists()


def test_a_cover_that_broke_and_came_back_is_not_said_broken_to_the_end() -> None:
    # the pool covered 0.37% of its promise on days 0-4; a subsidy on day 5 forced every
    # position out and nothing was promised after. The verdict said "The cover breaks on
    # day 0: from that day the pool holds less than its exits promise"
    chosen = _scenario(
        simulation={"days": 10},
        tenant={"pool": {"exit_multiple": "100"}},
        events=[{"day": 5, "subsidy": "900000000.00"}],
    )
    result = Simulation(chosen, 3).run()
    short = [r["day"] for r in result.days if r["coverage"] and Decimal(r["coverage"]) < 1]
    assert short == [0, 1, 2, 3, 4]
    found = verdict(result)
    assert (found.breaks_on, found.covered_again) == (0, 5)  # verdict.json's indexes
    # said as people count days: the run's first day (index 0) is day 1, 第 1 天, and the
    # day of the subsidy (index 5) the sixth
    for language, broke, back in (
        ("en", "broke on day 1:", "again from day 6 "),
        ("zh", "第 1 天资金不再覆盖承诺", "从第 6 天起"),
    ):
        text = "\n".join(verdict_lines(found, Translator(language)))
        assert broke in text and back in text, text
        assert "day 0" not in text and "第 0 天" not in text, text
        assert "from that day the pool holds less" not in text and "从那天起" not in text
    # still short at the end: said as before, from that day
    still = _scenario(simulation={"days": 10}, tenant={"pool": {"exit_multiple": "100"}})
    found = verdict(Simulation(still, 3).run())
    assert (found.breaks_on, found.covered_again) == (0, None)
    assert "from that day" in "\n".join(verdict_lines(found, Translator("en")))


def test_a_swept_value_a_sections_own_check_refuses_is_named_in_full() -> None:
    # orders_per_day is checked by the flow's own rule: swept, its refusal named
    # "sweep.flow" (the section), not "sweep.flow.orders_per_day"
    for values, field in (
        (["-1"], "sweep.flow.orders_per_day"),
        (["2000000"], "sweep.flow.orders_per_day"),
    ):
        with pytest.raises(DomainError) as error:
            _scenario(sweep={"parameter": "flow.orders_per_day", "values": values})
        assert error.value.field == field, error.value


def test_an_opening_price_change_after_the_pool_is_in_use_is_refused_at_load() -> None:
    # the engine refuses a new opening price once its pool holds cash or points (a1c9df4):
    # a scenario that changed it on day 3 loaded, ran three days and stopped naming
    # "opening_price"
    change = {"configure": {"opening_price": "0.5"}}
    for events, field in (
        ([{"day": 3, **change}], "events.0.configure.opening_price"),
        (
            [{"day": 0, "subsidy": "10.00"}, {"day": 0, **change}],
            "events.1.configure.opening_price",
        ),
    ):
        with pytest.raises(DomainError) as error:
            _scenario(events=events)
        assert error.value.field == field, error.value
    # before the pool's first order it may change, and the run goes through
    assert Simulation(_scenario(events=[{"day": 0, **change}]), 3).run().days
    # a pool no order feeds may change it any day
    other = _scenario(
        tenant={"pool": {"exit_multiple": "2"}, "pools": {"spare": {}}},
        events=[{"day": 3, "pool": "spare", **change}],
    )
    assert Simulation(other, 3).run().days
