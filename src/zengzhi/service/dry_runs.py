"""Dry runs: a proposed configuration back-tested over the tenant's recorded history in a
process of its own (`zengzhi backtest`, run as `service/background.py` runs simulations:
on this server or on any worker),
so that a console page that asks for one answers at once and reads the result later.

A back-test replays the tenant's whole event log, twice (as it happened and under the
proposal): minutes on a year of a million orders, too long for a web request. The
proposal is checked before anything starts (a bad value is refused naming its field) and
kept with the run (`proposal.json`), so its result is about exactly that configuration;
the caller may keep what it needs to show with the run (`about`: the console keeps the
form's values). One dry run runs per tenant at a time, stopped after `TIMEOUT_SECONDS`;
the last `KEEP` are kept.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from zengzhi.core.errors import DomainError
from zengzhi.engine.backtest import Backtest
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.background import Jobs, Progress, Run, command
from zengzhi.service.base import Context
from zengzhi.service.config import BacktestRequest, LintReport, lint_proposal, parse_config

TIMEOUT_SECONDS = 30 * 60
KEEP = 20
PROPOSAL, RESULT = "proposal.json", "result.json"  # the run's input, its output
JOBS = Jobs("dry run", "dry_run", "dry_run", TIMEOUT_SECONDS, KEEP)


class DryRunView(BaseModel):
    id: str
    started_at: datetime
    status: str  # queued, running, done, failed, interrupted, cancelled
    about: dict[str, Any]  # what the caller kept with it
    config: dict[str, Any]  # the configuration back-tested
    lint: LintReport  # the lint's findings for it
    result: Backtest | None = None  # once done
    # the end of its error output, when it failed; why it was not started, when cancelled
    error: str | None = None
    progress: Progress | None = None  # while it runs: days (or runs, events) done, time left


def start(
    context: Context,
    principal: Principal,
    request: BacktestRequest,
    about: dict[str, Any] | None = None,
) -> str:
    """Check the proposal and start its back-test; returns the run's id at once."""
    principal.require(Permission.CONFIGURE)
    proposed = parse_config(request.config)
    try:
        proposed.check()
    except DomainError as error:
        error.field = f"config.{error.field}" if error.field else "config"
        raise
    proposal = json.dumps(request.config, ensure_ascii=False).encode()
    arguments = command(
        "backtest",
        principal.tenant,
        "--config",
        f"{{out}}/{PROPOSAL}",
        "--top",
        str(request.top),
        "--json",
    )
    return JOBS.start(
        context,
        principal.tenant,
        arguments,
        files={PROPOSAL: proposal},
        meta={"about": about or {}},
        stdout=RESULT,
        database=True,
        started_by=principal.actor,
    )


def _view(context: Context, principal: Principal, run: Run) -> DryRunView:
    def kept(name: str) -> bytes:
        return JOBS.read(context, principal.tenant, run.id, name) or b""

    config: dict[str, Any] = json.loads(kept(PROPOSAL).decode("utf-8"))
    status, error, result = run.status, run.error, None
    if status == "done":
        try:
            result = Backtest.model_validate_json(kept(RESULT))
        except ValidationError as unreadable:
            status, error = "failed", f"its result cannot be read: {unreadable}"
    return DryRunView(
        id=run.id,
        started_at=run.started_at,
        status=status,
        about=run.meta.get("about", {}),
        config=config,
        lint=lint_proposal(context, principal, BacktestRequest(config=config)),
        result=result,
        error=error,
        progress=run.progress,
    )


class DryRunSummary(BaseModel):
    """A dry run in the list of the last ones: what it was about, when, how it ended."""

    id: str
    started_at: datetime
    status: str  # queued, running, done, failed, interrupted, cancelled
    about: dict[str, Any]  # what the caller kept with it (the console: the form's item)


def list_runs(context: Context, principal: Principal) -> list[DryRunSummary]:
    """The tenant's last dry runs, newest first (the last KEEP are kept): the console's
    list, so that a run is found again once its page is closed."""
    principal.require(Permission.CONFIGURE)
    return [
        DryRunSummary(
            id=run.id,
            started_at=run.started_at,
            status=run.status,
            about=run.meta.get("about", {}),
        )
        for run in JOBS.runs(context, principal.tenant)
    ]


def get(context: Context, principal: Principal, run_id: str) -> DryRunView:
    principal.require(Permission.CONFIGURE)
    return _view(context, principal, JOBS.get(context, principal.tenant, run_id))
