"""Monte Carlo runs and parameter sweeps, over local processes or a dask cluster.

A scenario with `runs = n` runs n times (seeds seed, seed + 1, …); with a `[sweep]` it runs
that many times for each value. Runs are independent, so they go to a process pool, or,
when a `dask.distributed` scheduler is named, to that cluster's workers; the results come
back in plan order, whatever order the runs finish in, so the same scenario always writes
the same files, wherever it ran.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from zengzhi.core.errors import invalid
from zengzhi.sim.run import RunResult, simulate
from zengzhi.sim.scenario import Scenario


@dataclass(frozen=True)
class Job:
    label: dict[str, str]
    scenario: dict[str, Any]  # the scenario as data: it crosses to another process
    seed: int


def plan(scenario: Scenario) -> list[Job]:
    sweep = scenario.sweep
    variants: list[tuple[dict[str, str], Scenario]] = [({}, scenario)]
    if sweep is not None:
        variants = [
            (
                {"parameter": sweep.parameter, "value": str(value)},
                scenario.with_parameter(sweep.parameter, value),
            )
            for value in sweep.values
        ]
    jobs = []
    for label, variant in variants:
        data = variant.model_dump(mode="json", exclude_none=True)
        for run in range(scenario.simulation.runs):
            jobs.append(Job({**label, "run": str(run)}, data, scenario.simulation.seed + run))
    return jobs


def run_job(job: Job, on_day: Callable[[int], None] | None = None) -> RunResult:
    result = simulate(Scenario.model_validate(job.scenario), job.seed, on_day)
    result.label = job.label
    return result


def run_all(
    scenario: Scenario,
    processes: int | None = None,
    on_day: Callable[[int], None] | None = None,
    on_run: Callable[[int], None] | None = None,
    cluster: str | None = None,
) -> list[RunResult]:
    """Every planned run: on the dask cluster whose scheduler is at `cluster` when one is
    named; else in this process when there is one run, over a process pool otherwise."""
    jobs = plan(scenario)
    if cluster is not None:
        return _on_cluster(cluster, jobs, on_run)
    if len(jobs) == 1:
        result = run_job(jobs[0], on_day)
        if on_run is not None:
            on_run(1)
        return [result]
    workers = processes or scenario.simulation.processes or os.cpu_count() or 1
    results: list[RunResult | None] = [None] * len(jobs)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        futures = {pool.submit(run_job, job): n for n, job in enumerate(jobs)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if on_run is not None:
                on_run(done)
    return [result for result in results if result is not None]


def _on_cluster(
    address: str, jobs: list[Job], on_run: Callable[[int], None] | None
) -> list[RunResult]:
    """The runs as tasks of a dask cluster (its workers need zengzhi installed)."""
    try:
        from distributed import Client, as_completed  # noqa: PLC0415  (an optional extra)
    except ImportError:
        raise invalid(
            "cluster", "running on a cluster needs dask: pip install 'zengzhi[cluster]'"
        ) from None
    results: list[RunResult | None] = [None] * len(jobs)
    with Client(address) as client:  # type: ignore[no-untyped-call]
        # pure=False: two equal jobs (the same seed twice) are still two runs
        futures = client.map(run_job, jobs, pure=False)
        where = {future.key: n for n, future in enumerate(futures)}
        finished = as_completed(futures)  # type: ignore[no-untyped-call]
        for done, future in enumerate(finished, start=1):
            results[where[future.key]] = future.result()
            if on_run is not None:
                on_run(done)
    return [result for result in results if result is not None]
