"""What the simulator's report says, checked against the run's own figures recomputed
here: the day rows, the pool's positions and the ledger (attack-sim, second pass)."""

from __future__ import annotations

import csv
import math
import re
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from matplotlib.axes import Axes

from tests.sim.test_simulator import scenario
from zengzhi.i18n import Translator
from zengzhi.sim.batch import run_all
from zengzhi.sim.report import findings, percentile, write_charts, write_report, write_tables
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
    # said as people count days, from 1 (daily.csv's index `back` is day back + 1)
    for language, said in (("en", f"until day {back + 1},"), ("zh", f"直到第 {back + 1} 天")):
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


def _nearest_rank(values: list[Decimal], percent: int) -> Decimal:
    """The smallest value at or below which at least `percent`% of the values lie."""
    ordered = sorted(values)
    for value in ordered:
        if 100 * sum(1 for other in ordered if other <= value) >= percent * len(ordered):
            return value
    raise AssertionError("no values")


def test_the_percentile_bands_are_the_runs_nearest_rank(tmp_path: Path) -> None:
    # of ten runs the 10th percentile is the lowest and the 90th the ninth (the band was
    # the second lowest to the highest: lopsided); of two runs the median is the lower
    assert percentile([Decimal(n) for n in range(10, 0, -1)], Fraction(1, 10)) == 1
    assert percentile([Decimal(n) for n in range(1, 11)], Fraction(9, 10)) == 9
    assert percentile([Decimal(2), Decimal(1)], Fraction(1, 2)) == 1
    chosen = scenario(simulation={"days": 12, "seed": 4, "runs": 10}, flow={"orders_per_day": 8})
    results = run_all(chosen, processes=1)
    write_tables(tmp_path, results)
    with (tmp_path / "bands.csv").open() as table:
        rows = list(csv.DictReader(table))
    assert len(rows) == 12
    for row in rows:
        day = int(row["day"])
        for column in ("price", "pool", "exits", "coverage"):
            values = [Decimal(run.days[day][column]) for run in results]
            for percent in (10, 50, 90):
                assert Decimal(row[f"{column}_p{percent}"]) == _nearest_rank(values, percent)


def test_a_day_nothing_is_promised_is_no_coverage_of_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # m = 0 on a pool with an exit: no point is minted, so nothing is ever promised and
    # every day's coverage is blank. The bands and the charts drew it as 0% covered.
    chosen = scenario(
        simulation={"days": 6, "seed": 2, "runs": 2},
        tenant={"pool": {"exit_multiple": "2", "mint_ratio": "0"}},
        flow={"orders_per_day": 4},
    )
    results = run_all(chosen, processes=1)
    assert all(row["coverage"] == "" for run in results for row in run.days)
    write_tables(tmp_path, results)
    with (tmp_path / "bands.csv").open() as table:
        rows = list(csv.DictReader(table))
    assert rows and all(row[f"coverage_p{p}"] == "" for row in rows for p in (10, 50, 90))
    drawn: list[list[float]] = []
    plot = Axes.plot

    def seen(self: Axes, *args: Any, **kwargs: Any) -> Any:
        if len(args) >= 2:
            drawn.append([float(v) for v in args[1]])
        return plot(self, *args, **kwargs)

    monkeypatch.setattr(Axes, "plot", seen)
    for runs in (results, results[:1]):  # with bands, and one run alone
        drawn.clear()
        write_charts(tmp_path, runs, chosen)
        coverage = drawn[-1]  # the coverage chart is drawn last
        assert len(coverage) == 6 and all(math.isnan(v) for v in coverage), coverage


def test_the_exits_chart_counts_exits_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every order's whole amount goes into the pool at 1×: members are forced out, buy
    # again and are forced out again. The chart of cumulative exits ends at the number of
    # exits, which is more than the members forced out, yet its title and axis said
    # "Members forced out" / "members" beside a table saying fewer members were.
    chosen = scenario(
        simulation={"days": 10, "seed": 1},
        tenant={"pool": {"exit_multiple": "1", "sell_fee": "0.5"}},
        flow={
            "orders_per_day": 5,
            "amount_min": "1.00",
            "amount_max": "1.00",
            "contribution_share": "1",
        },
        members={"new_share": "0.5"},
    )
    run = simulate(chosen)
    exits = sum(int(row["exits"]) for row in run.days)
    members = int(run.summary["members_exited"])
    assert exits > members > 0  # some member was forced out twice
    labels: list[str] = []
    for name in ("set_title", "set_ylabel"):
        method = getattr(Axes, name)

        def said(self: Axes, text: str, *args: Any, _method: Any = method, **kwargs: Any) -> Any:
            labels.append(text)
            return _method(self, text, *args, **kwargs)

        monkeypatch.setattr(Axes, name, said)
    for language, member_word in (("en", "member"), ("zh", "会员数")):
        t = Translator(language)
        labels.clear()
        write_charts(tmp_path, [run], chosen, t)
        title = next(text for text in labels if text == t("report.exits_title"))
        axis = labels[labels.index(title) + 2]  # title, x label, y label
        assert member_word not in axis, axis
        assert not title.startswith(("Members", "封顶出局的会员")), title


def test_every_figure_and_picture_of_the_chinese_report_is_said_in_chinese(
    tmp_path: Path,
) -> None:
    # minting paused on day 3: the summary's orders that minted no point and what they
    # put in were shown under their column names, the amount without ¥, and each
    # picture was described as "price chart" on the Chinese page
    chosen = scenario(simulation={"days": 6, "seed": 2}, events=[{"day": 3, "pause": True}])
    run = simulate(chosen)
    assert run.summary["orders_minting_nothing"] > 0
    page = write_report(tmp_path, [run], chosen, "text", "zh").read_text()
    rows = dict(re.findall(r'<tr><th>(.*?)</th><td class="n">(.*?)</td>', page))
    assert len(rows) == len(run.summary)
    han = re.compile(r"[\u4e00-\u9fff]")
    assert all(han.search(label) for label in rows), [k for k in rows if not han.search(k)]
    amount = Decimal(run.summary["contributed_minting_nothing"])
    assert f"¥{amount:,}" in rows.values()
    pictures = re.findall(r'<img src="[^"]+" alt="([^"]*)"', page)
    assert pictures and all(han.search(alt) for alt in pictures), pictures


def test_a_sweep_with_several_runs_compares_each_values_median_run() -> None:
    chosen = scenario(
        simulation={"days": 15, "seed": 2, "runs": 3},
        sweep={"parameter": "pool.exit_multiple", "values": ["1.2", "3"]},
    )
    results = run_all(chosen, processes=1)
    said = findings(results, chosen, Translator("en"))[-1]
    compared = "Compared over exit multiple (exit_multiple), the median of each value's 3 runs"
    assert said.startswith(compared)
    for value in ("1.2", "3"):
        finals = sorted(
            Decimal(r.summary["price_last"]) for r in results if r.label["value"] == value
        )
        assert len(finals) == 3
        assert f"{value}: " in said and f"final price ¥{finals[1]}" in said, said
    # for some value the first run is not the median run: the one the sentence took
    firsts = {r.label["value"]: r for r in reversed(results)}
    assert any(
        Decimal(firsts[v].summary["price_last"])
        != sorted(Decimal(r.summary["price_last"]) for r in results if r.label["value"] == v)[1]
        for v in firsts
    )
    zh = findings(results, chosen, Translator("zh"))[-1]
    assert "每个取值 3 次运行的中位数" in zh


def test_the_findings_say_prices_with_yuan_as_the_figures_table_does() -> None:
    chosen = scenario(simulation={"days": 5, "seed": 1, "runs": 2})
    results = run_all(chosen, processes=1)
    first, last = (results[0].summary[k] for k in ("price_first", "price_last"))
    finals = sorted(Decimal(r.summary["price_last"]) for r in results)
    for language in ("en", "zh"):
        said = findings(results, chosen, Translator(language))
        assert f"¥{first}" in said[0] and f"¥{last}" in said[0], said[0]
        assert f"¥{finals[0]}" in said[-1] and f"¥{finals[-1]}" in said[-1], said[-1]


def test_the_verdict_and_the_findings_say_the_same_share_alike() -> None:
    # one member who never sold: paid 0 of what they spent. The verdict said "0%", the
    # findings "0.0%" (and a pool holding 30% of its promise read "30%" and "30.0%")
    run = simulate(
        scenario(
            simulation={"days": 15, "seed": 1},
            flow={"orders_per_day": 1},
            members={"new_share": "0"},
        )
    )
    assert run.summary["members"] == 1 and run.summary["paid_to_members"] == "0.00"
    for language in ("en", "zh"):
        t = Translator(language)
        told = " ".join(verdict_lines(verdict(run), t))
        said = " ".join(findings([run], scenario(), t))
        pool, promise = (Decimal(run.summary[k]) for k in ("pool", "liability"))
        coverage = (pool * 100 / promise).quantize(Decimal("0.1"), ROUND_DOWN)
        assert 1 <= coverage < 100
        for share in (f"{coverage}%", "0.0%"):
            assert share in told and share in said, (share, told, said)


def test_the_pools_bound_is_not_said_of_what_the_modes_paid_from_their_own_funds() -> None:
    """The combined scenario's report said "members as a whole can never get back more
    than the pool: 29.9% of what they spent is in it now" beside "paid ¥10,184,900.00
    (46.5%)": the refer-three and union queues had paid from their own funds. The bound
    is the pool's, and said so whenever a mode paid."""
    combined = scenario(
        simulation={"days": 90, "seed": 9},
        tenant={
            "pool": {"exit_multiple": "2"},
            "products": {
                "package": {
                    "price": "1000.00",
                    "cost": "200.00",
                    "platform": "500.00",
                    "contribution": "300.00",
                    "zone": "combo",
                }
            },
            "zones": {
                "combo": {
                    "refer_three": {"funding": "0.20"},
                    "union": {"credit": "1", "lock_days": 15, "dynamic": "0.2", "funding": "0.30"},
                }
            },
        },
        flow={"orders_per_day": 30, "product": "package"},
        members={"new_share": "0.5", "referred_share": "0.8", "referral": "preferential"},
    )
    run = simulate(combined)
    summary = run.summary
    paid = Decimal(summary["paid_to_members"]) / Decimal(summary["spend"])
    in_pool = Decimal(summary["pool"]) / Decimal(summary["spend"])
    assert paid > in_pool  # the modes paid more than the pool holds: the case at issue
    for language, bound, modes in (
        ("en", "the pool can pay its members no more than it holds", "the modes pay from"),
        ("zh", "资金池付给会员的钱都不会超过池里现有的钱", "各模式另有自己的资金"),
    ):
        said = findings([run], combined, Translator(language))
        line = next(one for one in said if bound in one)
        assert modes in line, line
        assert not any("members as a whole" in one or "会员整体拿回" in one for one in said)
