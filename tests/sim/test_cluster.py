"""Sweeps and Monte Carlo runs on a dask cluster write what local processes write."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from zengzhi.cli import app
from zengzhi.sim.batch import run_all
from zengzhi.sim.scenario import load_scenario

SCENARIO = """\
name = "cluster"

[simulation]
days = 30
seed = 11
runs = 2

[tenant.pool]
exit_multiple = "1.2"

[flow]
orders_per_day = 40

[members]
new_share = "0.7"

[sweep]
parameter = "pool.exit_multiple"
values = ["1.2", "2"]
"""


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """Two worker processes, as a cluster of two machines would have."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_runs_on_a_cluster_come_back_in_plan_order(scheduler: str) -> None:
    chosen = load_scenario(tomllib.loads(SCENARIO))
    local = run_all(chosen, processes=2)
    remote = run_all(chosen, cluster=scheduler)
    assert [r.label for r in remote] == [r.label for r in local]
    assert [r.summary for r in remote] == [r.summary for r in local]
    assert len({r.summary["price_last"] for r in remote}) > 1  # four different runs


def test_simulate_on_a_cluster_writes_the_same_bytes(tmp_path: Path, scheduler: str) -> None:
    scenario = tmp_path / "cluster.toml"
    scenario.write_text(SCENARIO)
    runner = CliRunner()
    local = runner.invoke(app, ["simulate", str(scenario), "--out", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    remote = runner.invoke(
        app,
        ["simulate", str(scenario), "--out", str(tmp_path / "remote"), "--cluster", scheduler],
    )
    assert remote.exit_code == 0, remote.output
    written = files(tmp_path / "local")
    assert {"report.html", "runs.csv", "daily.csv", "price.png"} <= set(written)
    assert files(tmp_path / "remote") == written


def test_a_scheduler_that_does_not_answer_is_a_clear_error(tmp_path: Path) -> None:
    scenario = tmp_path / "cluster.toml"
    scenario.write_text(SCENARIO)
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):  # not the 30 s
        result = CliRunner().invoke(
            app,
            [
                "simulate",
                str(scenario),
                "--out",
                str(tmp_path / "x"),
                "--cluster",
                "tcp://127.0.0.1:9",
            ],
        )
    assert result.exit_code != 0
    assert "cluster tcp://127.0.0.1:9" in result.output
    assert not (tmp_path / "x").exists()
