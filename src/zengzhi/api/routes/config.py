"""The live configuration, its lint, a proposal's lint, and back-tests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from zengzhi.api.deps import ContextDep, PrincipalDep
from zengzhi.engine.backtest import Backtest
from zengzhi.service import config
from zengzhi.service.config import BacktestRequest, LintReport, Proposal

router = APIRouter(prefix="/v1", tags=["configuration"])


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
def lint_proposal(principal: PrincipalDep, body: Proposal) -> LintReport:
    """What a proposed configuration risks, before it goes live."""
    return config.lint_proposal(principal, body)


@router.post("/backtest", response_model=Backtest)
def backtest(context: ContextDep, principal: PrincipalDep, body: BacktestRequest) -> Backtest:
    """Run a proposed configuration over this tenant's recorded history, in memory, and
    compare it with what happened: pools, prices, payouts, liabilities, members."""
    return config.run_backtest(context, principal, body)
