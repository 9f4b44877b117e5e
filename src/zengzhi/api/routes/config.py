"""The live configuration, its lint, a proposal's lint, and back-tests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.core.lifecycles import RunStatus
from zengzhi.deps import ContextDep, LanguageDep, PrincipalDep, needs
from zengzhi.engine.backtest import Backtest
from zengzhi.i18n import translate_message
from zengzhi.service import config, dry_runs
from zengzhi.service.auth import Permission
from zengzhi.service.config import BacktestRequest, LintReport, Proposal
from zengzhi.service.dry_runs import DryRunView

router = APIRouter(prefix="/v1", tags=["configuration"], route_class=StrictJSONRoute)


def _lint_in(language: str, report: LintReport) -> LintReport:
    findings = [
        one.model_copy(update={"message": translate_message(language, one.message)})
        for one in report.findings
    ]
    return report.model_copy(update={"findings": findings})


def _backtest_in(language: str, result: Backtest) -> Backtest:
    skipped = [
        one.model_copy(update={"reason": translate_message(language, one.reason)})
        for one in result.skipped_events
    ]
    return result.model_copy(update={"skipped_events": skipped})


def _dry_run_in(language: str, view: DryRunView) -> DryRunView:
    result = view.result and _backtest_in(language, view.result)
    error = view.error
    if view.status == RunStatus.CANCELLED and error is not None:  # why, in our own words
        error = translate_message(language, error)  # (a failed run's is its process's)
    update = {"lint": _lint_in(language, view.lint), "result": result, "error": error}
    return view.model_copy(update=update)


@router.get("/config")
def get_config(context: ContextDep, principal: PrincipalDep) -> dict[str, Any]:
    """The configuration in force, shaped like a configuration file: edit it and propose
    it back to the lint or the back-test."""
    return config.get_config(context, principal)


@router.get("/config/lint", response_model=LintReport)
def lint_live(context: ContextDep, principal: PrincipalDep, language: LanguageDep) -> LintReport:
    """What the live configuration risks (spec 04), citing the seeds' warnings."""
    return _lint_in(language, config.lint_live(context, principal))


@router.post("/config/lint", response_model=LintReport)
def lint_proposal(
    context: ContextDep, principal: PrincipalDep, body: Proposal, language: LanguageDep
) -> LintReport:
    """What a proposed configuration risks, before it goes live, and what it would do now
    (who a lower exit multiple would force out, and what they would be paid)."""
    return _lint_in(language, config.lint_proposal(context, principal, body))


@router.post("/backtest", response_model=Backtest, dependencies=[needs(Permission.CONFIGURE)])
def backtest(
    context: ContextDep, principal: PrincipalDep, body: BacktestRequest, language: LanguageDep
) -> Backtest:
    """Run a proposed configuration over this tenant's recorded history, in memory, and
    compare it with what happened: pools, prices, payouts, liabilities, members. It answers
    inside the request: for a long history (minutes on a million orders) start a dry run."""
    return _backtest_in(language, config.run_backtest(context, principal, body))


@router.post(
    "/dry-runs",
    response_model=DryRunView,
    status_code=202,
    dependencies=[needs(Permission.CONFIGURE)],
)
def start_dry_run(
    context: ContextDep,
    principal: PrincipalDep,
    body: BacktestRequest,
    response: Response,
    language: LanguageDep,
) -> DryRunView:
    """The back-test of POST /v1/backtest in a process of its own: the proposal is checked
    and the run answered at once (202, `status` "running", or "queued" until a worker
    takes it); GET its `Location`, from any server, until `status` is "done" (with
    `result`), "failed" (with `error`), "interrupted" (its worker stopped: start it
    again) or "cancelled" (never started: whoever started it was revoked, disabled or may
    no longer configure by the time a worker took it; `error` says which). One runs per
    tenant at a time (409 while one is queued or running)."""
    run_id = dry_runs.start(context, principal, body)
    response.headers["Location"] = f"/v1/dry-runs/{run_id}"
    return _dry_run_in(language, dry_runs.get(context, principal, run_id))


@router.get(
    "/dry-runs/{run_id}", response_model=DryRunView, dependencies=[needs(Permission.CONFIGURE)]
)
def get_dry_run(
    context: ContextDep, principal: PrincipalDep, run_id: str, language: LanguageDep
) -> DryRunView:
    """A dry run: its proposal, the proposal's lint, its status and, once done, its result."""
    return _dry_run_in(language, dry_runs.get(context, principal, run_id))
