"""The live configuration, its lint, a proposal's lint, and back-tests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import ContextDep, PrincipalDep
from zengzhi.engine.backtest import Backtest
from zengzhi.service import config, dry_runs
from zengzhi.service.config import BacktestRequest, LintReport, Proposal
from zengzhi.service.dry_runs import DryRunView

router = APIRouter(prefix="/v1", tags=["configuration"], route_class=StrictJSONRoute)


@router.get("/config")
def get_config(context: ContextDep, principal: PrincipalDep) -> dict[str, Any]:
    """The configuration in force, shaped like a configuration file: edit it and propose
    it back to the lint or the back-test."""
    return config.get_config(context, principal)


@router.get("/config/lint", response_model=LintReport)
def lint_live(context: ContextDep, principal: PrincipalDep) -> LintReport:
    """What the live configuration risks (spec 04), citing the seeds' warnings."""
    return config.lint_live(context, principal)


@router.post("/config/lint", response_model=LintReport)
def lint_proposal(context: ContextDep, principal: PrincipalDep, body: Proposal) -> LintReport:
    """What a proposed configuration risks, before it goes live, and what it would do now
    (who a lower exit multiple would force out, and what they would be paid)."""
    return config.lint_proposal(context, principal, body)


@router.post("/backtest", response_model=Backtest)
def backtest(context: ContextDep, principal: PrincipalDep, body: BacktestRequest) -> Backtest:
    """Run a proposed configuration over this tenant's recorded history, in memory, and
    compare it with what happened: pools, prices, payouts, liabilities, members. It answers
    inside the request: for a long history (minutes on a million orders) start a dry run."""
    return config.run_backtest(context, principal, body)


@router.post("/dry-runs", response_model=DryRunView, status_code=202)
def start_dry_run(
    context: ContextDep, principal: PrincipalDep, body: BacktestRequest, response: Response
) -> DryRunView:
    """The back-test of POST /v1/backtest in a process of its own: the proposal is checked
    and the run answered at once (202, `status` "running", or "queued" until a worker
    takes it); GET its `Location`, from any server, until `status` is "done" (with
    `result`), "failed" (with `error`) or "interrupted" (its worker stopped: start it
    again). One runs per tenant at a time (409 while one is queued or running)."""
    run_id = dry_runs.start(context, principal, body)
    response.headers["Location"] = f"/v1/dry-runs/{run_id}"
    return dry_runs.get(context, principal, run_id)


@router.get("/dry-runs/{run_id}", response_model=DryRunView)
def get_dry_run(context: ContextDep, principal: PrincipalDep, run_id: str) -> DryRunView:
    """A dry run: its proposal, the proposal's lint, its status and, once done, its result."""
    return dry_runs.get(context, principal, run_id)
