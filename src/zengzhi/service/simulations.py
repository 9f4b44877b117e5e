"""Simulations started from the console: a shipped or uploaded scenario runs as
`zengzhi simulate` in a process of its own, and its report folder is kept for the tenant.

Bounded so that a console user cannot tie up the server: the scenario is checked (and
refused, naming the field) before anything starts, its size is capped, one simulation
runs per tenant at a time, a run is stopped after `TIMEOUT_SECONDS`, and only the last
`KEEP` runs of a tenant are kept. The reports live on this server's disk (settings:
`ZENGZHI_SIMULATIONS_DIR`); with several servers, give them one shared folder.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import threading
import tomllib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

import zengzhi
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context
from zengzhi.sim.batch import plan
from zengzhi.sim.run import orders_on
from zengzhi.sim.scenario import Scenario, load_scenario

MAX_SCENARIO_BYTES = 64 * 1024
MAX_ORDERS = 5_000_000  # orders across every planned run
MAX_DAYS = 3650
TIMEOUT_SECONDS = 15 * 60
KEEP = 20
RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$")
FILE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(html|csv|png|svg|toml)$")

SHIPPED = Path(zengzhi.__file__).resolve().parents[2] / "examples" / "scenarios"

_running: dict[tuple[str, str], subprocess.Popen[bytes]] = {}
_lock = threading.Lock()


class SimulationView(BaseModel):
    id: str
    name: str
    source: str  # the shipped scenario's file name, or the uploaded file's
    started_at: datetime
    status: str  # running, done, failed, interrupted
    files: list[str]
    error: str | None = None


def shipped() -> list[str]:
    """The scenarios in examples/scenarios, when the project's folder is here."""
    if not SHIPPED.is_dir():
        return []
    return sorted(path.name for path in SHIPPED.glob("*.toml"))


def _folder(context: Context, tenant: str) -> Path:
    return context.settings.simulations_path() / tenant


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
        data = tomllib.loads(text.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
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


def start(context: Context, principal: Principal, source: str, text: bytes | None) -> str:
    """Check and start a simulation: `text` uploaded, or the shipped scenario `source`."""
    principal.require(Permission.CONFIGURE)
    if text is None:
        if source not in shipped():
            raise invalid("scenario", f"unknown shipped scenario {source!r}")
        text = (SHIPPED / source).read_bytes()
    scenario = read(text, source)
    folder = _folder(context, principal.tenant)
    with _lock:
        if any(
            tenant == principal.tenant and process.poll() is None
            for (tenant, _), process in _running.items()
        ):
            raise DomainError(
                ErrorCode.CONFLICT,
                "a simulation is running already: wait for it to finish",
                "scenario",
            )
        now = context.clock()
        run_id = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        out = folder / run_id
        out.mkdir(parents=True)
        (out / "scenario.toml").write_bytes(text)
        meta = {"name": scenario.name, "source": source[:100], "started_at": now.isoformat()}
        (out / "meta.json").write_text(json.dumps(meta))
        log = (out / "log.txt").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from zengzhi.cli import app; app()",
                "simulate",
                str(out / "scenario.toml"),
                "--out",
                str(out),
                "--processes",
                "1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        _running[(principal.tenant, run_id)] = process
    threading.Thread(
        target=_watch, args=(principal.tenant, run_id, process, out), daemon=True
    ).start()
    _prune(folder)
    return run_id


def _watch(tenant: str, run_id: str, process: subprocess.Popen[bytes], out: Path) -> None:
    try:
        code = process.wait(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        code = -9
        with (out / "log.txt").open("a") as log:
            log.write(f"\nstopped after {TIMEOUT_SECONDS} seconds\n")
    (out / "exit").write_text(str(code))
    with _lock:
        _running.pop((tenant, run_id), None)


def _prune(folder: Path) -> None:
    runs = sorted(path for path in folder.iterdir() if RUN_ID.match(path.name))
    for old in runs[:-KEEP]:
        if (old / "exit").exists():
            shutil.rmtree(old, ignore_errors=True)


def _view(tenant: str, out: Path) -> SimulationView:
    meta: dict[str, Any] = json.loads((out / "meta.json").read_text())
    exit_file = out / "exit"
    error = None
    if exit_file.exists():
        failed = exit_file.read_text().strip() != "0"
        status = "failed" if failed else "done"
        if failed:
            error = (out / "log.txt").read_text(errors="replace")[-2000:]
    else:
        with _lock:
            alive = (tenant, out.name) in _running
        status = "running" if alive else "interrupted"
    files = sorted(p.name for p in out.iterdir() if FILE_NAME.match(p.name))
    return SimulationView(
        id=out.name,
        name=meta["name"],
        source=meta["source"],
        started_at=datetime.fromisoformat(meta["started_at"]),
        status=status,
        files=files if status == "done" else [],
        error=error,
    )


def list_runs(context: Context, principal: Principal) -> list[SimulationView]:
    principal.require(Permission.CONFIGURE)
    folder = _folder(context, principal.tenant)
    if not folder.is_dir():
        return []
    runs = sorted((p for p in folder.iterdir() if RUN_ID.match(p.name)), reverse=True)
    return [_view(principal.tenant, out) for out in runs if (out / "meta.json").exists()]


def get_run(context: Context, principal: Principal, run_id: str) -> SimulationView:
    principal.require(Permission.CONFIGURE)
    out = _folder(context, principal.tenant) / run_id
    if not RUN_ID.match(run_id) or not (out / "meta.json").exists():
        raise DomainError(ErrorCode.NOT_FOUND, f"unknown simulation {run_id!r}", "simulation")
    return _view(principal.tenant, out)


def report_file(context: Context, principal: Principal, run_id: str, name: str) -> Path:
    """A file of a finished report, by its plain name only."""
    run = get_run(context, principal, run_id)
    if name not in run.files:
        raise DomainError(ErrorCode.NOT_FOUND, f"no file {name!r} in this report", "file")
    return _folder(context, principal.tenant) / run_id / name
