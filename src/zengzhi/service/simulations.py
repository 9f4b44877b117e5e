"""Simulations started from the console: a shipped or uploaded scenario runs as
`zengzhi simulate` in a process of its own (`service/background.py`: on this server or
on any worker), and its report's files are kept for the tenant in the database.

Bounded so that a console user cannot tie up the server: the scenario is checked (and
refused, naming the field) before anything starts, its size is capped, one simulation
runs per tenant at a time, a run is stopped after `TIMEOUT_SECONDS`, and only the last
`KEEP` runs of a tenant are kept. Any server serves any report (its files are rows).
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

import zengzhi
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.engine.config import read_toml
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.background import Jobs, Progress, Run, command
from zengzhi.service.base import Context
from zengzhi.sim.batch import plan
from zengzhi.sim.run import orders_on
from zengzhi.sim.scenario import Scenario, load_scenario
from zengzhi.sim.verdict import FILE as VERDICT
from zengzhi.sim.verdict import Verdict, read_verdict

MAX_SCENARIO_BYTES = 64 * 1024
MAX_ORDERS = 5_000_000  # orders across every planned run
MAX_DAYS = 3650
TIMEOUT_SECONDS = 15 * 60
KEEP = 20
FILE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(html|csv|png|svg|toml)$")

# in the package (an installed wheel, the image), and as examples/scenarios in the checkout
SHIPPED = Path(zengzhi.__file__).resolve().parent / "sim" / "scenarios"

JOBS = Jobs("simulation", "scenario", "simulation", TIMEOUT_SECONDS, KEEP)


class SimulationView(BaseModel):
    id: str
    name: str
    source: str  # the shipped scenario's file name, or the uploaded file's
    started_at: datetime
    status: str  # queued, running, done, failed, interrupted, cancelled
    files: list[str]
    error: str | None = None
    progress: Progress | None = None  # while it runs: days (or runs, events) done, time left
    verdict: Verdict | None = None  # once done: what its report opens with


def shipped() -> list[str]:
    """The scenarios the package ships (examples/scenarios in the checkout)."""
    if not SHIPPED.is_dir():
        return []
    return sorted(path.name for path in SHIPPED.glob("*.toml"))


def planned_orders(scenario: Scenario) -> int:
    """Orders every planned run makes, about (the flow's expected count)."""
    total = 0
    for job in plan(scenario):
        variant = Scenario.model_validate(job.scenario)
        days = variant.simulation.days
        if days > MAX_DAYS:
            raise invalid("simulation.days", f"the console runs at most {MAX_DAYS} days")
        total += sum(int(orders_on(variant, day)) for day in range(days))
        if total > MAX_ORDERS:
            break
    return total


def read(text: bytes, source: str) -> Scenario:
    if len(text) > MAX_SCENARIO_BYTES:
        raise invalid("scenario", f"must be at most {MAX_SCENARIO_BYTES // 1024} KB")
    try:
        data = read_toml(text.decode("utf-8"))
    except UnicodeDecodeError:  # Python's words name a byte and a codec, not the problem
        raise invalid("scenario", f"{source} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise invalid("scenario", f"{source} is not valid TOML: {error}") from None
    scenario = load_scenario(data)
    orders = planned_orders(scenario)
    if orders > MAX_ORDERS:
        raise invalid(
            "scenario",
            f"plans about {orders:,} orders; the console runs at most {MAX_ORDERS:,} "
            "(run larger ones with `zengzhi simulate`)",
        )
    return scenario


def start(
    context: Context,
    principal: Principal,
    source: str,
    text: bytes | None,
    language: str = "en",
) -> str:
    """Check and start a simulation: `text` uploaded, or the shipped scenario `source`;
    its report is written in `language` (zh, en: the console's reader's)."""
    principal.require(Permission.CONFIGURE)
    if text is None:
        if source not in shipped():
            raise invalid("scenario", f"unknown shipped scenario {source!r}")
        text = (SHIPPED / source).read_bytes()
    scenario = read(text, source)
    if language not in ("zh", "en"):
        raise invalid("language", "must be zh or en")
    arguments = command(
        "simulate",
        "{out}/scenario.toml",
        "--out",
        "{out}",
        "--processes",
        "1",
        "--language",
        language,
    )
    return JOBS.start(
        context,
        principal.tenant,
        arguments,
        files={"scenario.toml": text},
        meta={"name": scenario.name, "source": source[:100]},
        started_by=principal.actor,
    )


def _view(context: Context, tenant: str, run: Run) -> SimulationView:
    done = run.status == "done"
    return SimulationView(
        id=run.id,
        name=run.meta["name"],
        source=run.meta["source"],
        started_at=run.started_at,
        status=run.status,
        files=[name for name in run.files if FILE_NAME.match(name)] if done else [],
        error=run.error,
        progress=run.progress,
        verdict=read_verdict(JOBS.read(context, tenant, run.id, VERDICT)) if done else None,
    )


def list_runs(context: Context, principal: Principal) -> list[SimulationView]:
    principal.require(Permission.CONFIGURE)
    tenant = principal.tenant
    return [_view(context, tenant, run) for run in JOBS.runs(context, tenant)]


def get_run(context: Context, principal: Principal, run_id: str) -> SimulationView:
    principal.require(Permission.CONFIGURE)
    return _view(context, principal.tenant, JOBS.get(context, principal.tenant, run_id))


def report_file(context: Context, principal: Principal, run_id: str, name: str) -> bytes:
    """A file of a finished report, by its plain name only."""
    run = get_run(context, principal, run_id)
    content = JOBS.read(context, principal.tenant, run_id, name) if name in run.files else None
    if content is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no file {name!r} in this report", "file")
    return content
