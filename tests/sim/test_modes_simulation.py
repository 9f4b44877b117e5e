"""The companion modes in the simulator: every mode's shipped scenario runs, the
combined one is a replay of its own events, and the report shows each mode's liability
and coverage over time."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import pytest

from zengzhi.engine.replay import replay
from zengzhi.engine.snapshot import snapshot
from zengzhi.engine.wire import to_line
from zengzhi.sim.report import mode_names, write_report
from zengzhi.sim.run import Simulation, simulate
from zengzhi.sim.scenario import Scenario, read_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
COMBINED = EXAMPLES / "combined-appreciation-refer-union.toml"


def shortened(path: Path, days: int = 45) -> Scenario:
    scenario = read_scenario(path)
    return scenario.model_copy(
        update={"simulation": scenario.simulation.model_copy(update={"days": days})}
    )


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("modes-refer-three", "refer_three"),
        ("modes-ads", "ads"),
        ("modes-quota", "quota"),
        ("modes-green", "green"),
        ("modes-union", "union"),
        ("modes-three-for-one", "three_for_one"),
        ("modes-shopping", "shopping"),
    ],
)
def test_each_mode_scenario_runs_and_counts_what_it_pays(name: str, mode: str) -> None:
    result = simulate(shortened(EXAMPLES / f"{name}.toml"))  # checks every invariant
    [column] = mode_names(result)
    assert column.startswith(f"{mode}@")
    paid = sum(Decimal(row[f"{column}_paid"]) for row in result.days)
    assert paid == Decimal(result.summary[f"{column}_paid"])
    assert paid > 0, "the scenario should exercise its mode"
    last = result.days[-1]
    assert last[f"{column}_owed"] == result.summary[f"{column}_owed"]
    owed, reserve = Decimal(last[f"{column}_owed"]), Decimal(last[f"{column}_reserve"])
    if owed:
        exact, kept = reserve / owed, Decimal(last[f"{column}_coverage"])
        coverage = exact.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
        if coverage or not reserve:
            assert kept == coverage
        else:  # a reserve above nothing keeps the places that show it
            assert 0 < kept <= exact < Decimal("0.0001")
    if mode != "shopping":  # members are paid in cash: their totals include it
        assert Decimal(result.summary["paid_to_members"]) >= paid


def test_the_combined_scenario_is_a_replay_of_its_events() -> None:
    chosen = shortened(COMBINED, days=30)
    simulation = Simulation(chosen, 9, record=True)
    simulation.run()
    assert simulation.recorded is not None
    lines = [to_line(event) for event in simulation.recorded]
    replayed = replay(lines, chosen.tenant).state
    assert snapshot(replayed)["ledger"] == snapshot(simulation.state)["ledger"]
    for mode in ("refer_three", "union"):
        ours = list(simulation.state.modes.queue("combo", mode))
        assert ours == list(replayed.modes.queue("combo", mode))
    assert any(event.__class__.__name__ == "RunDay" for event in simulation.recorded)


def test_the_report_shows_each_modes_liability_and_coverage(tmp_path: Path) -> None:
    chosen = shortened(COMBINED, days=60)
    result = simulate(chosen)
    page = write_report(tmp_path, [result], chosen, COMBINED.read_text()).read_text()
    assert mode_names(result) == ["refer_three@combo", "union@combo"]
    for chart in ("modes", "mode_coverage"):
        assert (tmp_path / f"{chart}.png").stat().st_size > 0
        assert f'src="{chart}.png"' in page
    summary = result.summary
    owed = Decimal(summary["union@combo_owed"])
    paid = Decimal(summary["union@combo_paid"])
    assert f"the union queue mode of zone combo paid members ¥{paid:,.2f}" in page
    assert f"still owes ¥{owed:,.2f}" in page
    verdict_part = page[page.index('id="verdict"') : page.index("</section>")]
    assert f"The union queue mode of zone combo owes ¥{owed:,.2f}" in verdict_part
    assert "union@combo" not in verdict_part
    daily = (tmp_path / "daily.csv").read_text().splitlines()[0].split(",")
    for column in ("union@combo_owed", "union@combo_reserve", "union@combo_coverage"):
        assert column in daily
