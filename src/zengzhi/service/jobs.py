"""Due work, run by `zengzhi tick` (from cron) or by the server itself.

Each run of a job is recorded under (tenant, job, day). Order completion is idempotent
order by order (an order completes once, under its row lock), so it runs at every tick
and adds to that day's record; daily jobs (dividends, the modes' days) are events whose
ids name the day, and the event log takes an id once, so two machines ticking at once
pay once. Each tick also delivers the webhooks that are due
(`service/webhooks.py`); the server runs its own, more frequent, webhook dispatcher beside
its ticker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.core.errors import DomainError
from zengzhi.service import gateway_payouts
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command, query, tenant_today
from zengzhi.service.distribution import run_dividends
from zengzhi.service.modes import run_days
from zengzhi.service.orders import complete_due, due_orders
from zengzhi.service.sessions import FAILURE_WINDOW, STRANGERS
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.store import security
from zengzhi.store.job_runs import add_to_day
from zengzhi.store.modes import tenants_with_days_due
from zengzhi.store.orders import tenants_with_due_orders
from zengzhi.store.security import tenants_with_forgettable
from zengzhi.store.tenants import tenants_with_dividends_due
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.webhooks import tenants_with_subscriptions

log = logging.getLogger("zengzhi.jobs")

SYSTEM = "system:jobs"
COMPLETE_ORDERS = "complete_orders"


class JobReport(BaseModel):
    tenant: str
    job: str
    day: str
    done: int
    failed: list[str]


def _record(
    context: Context, tenant: str, job: str, day: str, now: datetime, done: int, failed: list[str]
) -> None:
    def run() -> None:
        with context.database.write() as connection:
            add_to_day(connection, tenant, job, day, now, done, failed)

    context.database.retrying(run)


def complete_due_orders(context: Context, tenant: str, batch: int = 500) -> JobReport:
    """Complete every paid order whose return window has passed. Each completion adds
    itself to the day's record in its own transaction, so that the record counts every
    completion made, even when the tick is killed halfway."""
    now = context.clock()
    day = tenant_today(context, tenant).isoformat()
    system = Principal(tenant, SYSTEM, Role.OWNER)
    done, failed = 0, []
    seen: set[str] = set()

    def counted(order_id: str) -> Callable[[UnitOfWork], bool]:
        def run(uow: UnitOfWork) -> bool:
            completed = complete_due(uow, SYSTEM, order_id)
            if completed:
                add_to_day(uow.connection, tenant, COMPLETE_ORDERS, day, uow.now, 1, [])
            return completed

        return run

    while True:
        due = [
            order
            for order in query(
                context, lambda connection: due_orders(connection, tenant, now, batch)
            )
            if order not in seen
        ]
        if not due:
            break
        for order_id in due:
            seen.add(order_id)
            try:
                done += command(context, system, counted(order_id))
            except Exception as error:  # one bad order (or a bug it meets) stops no other
                if isinstance(error, DomainError):
                    log.warning("tenant %s: order %s not completed: %s", tenant, order_id, error)
                else:
                    log.exception("tenant %s: order %s not completed", tenant, order_id)
                failed.append(order_id)
                _record(context, tenant, COMPLETE_ORDERS, day, now, 0, [order_id])
    _record(context, tenant, COMPLETE_ORDERS, day, now, 0, [])  # a day with none: recorded
    return JobReport(tenant=tenant, job=COMPLETE_ORDERS, day=day, done=done, failed=failed)


DIVIDENDS = "dividends"


def pay_dividends(context: Context, tenant: str) -> JobReport:
    """Each dividend plan, once for its last finished period (see service.distribution)."""
    now = context.clock()
    paid, refused = run_dividends(context, tenant)
    day = tenant_today(context, tenant).isoformat()
    _record(context, tenant, DIVIDENDS, day, now, len(paid), refused)
    return JobReport(tenant=tenant, job=DIVIDENDS, day=day, done=len(paid), failed=refused)


MODE_DAYS = "mode_days"


def run_mode_days(context: Context, tenant: str) -> JobReport:
    """Each zone's daily mode work (releases, bonus splits, queue payments), once a day."""
    now = context.clock()
    ran = run_days(context, tenant)
    day = tenant_today(context, tenant).isoformat()
    _record(context, tenant, MODE_DAYS, day, now, len(ran), [])
    return JobReport(tenant=tenant, job=MODE_DAYS, day=day, done=len(ran), failed=[])


WEBHOOKS = "webhooks"


def deliver_webhooks(context: Context, tenant: str) -> JobReport:
    """Send the tenant's due webhooks (not recorded in job_runs: it is not a daily job)."""
    report = dispatch(context, tenant)
    return JobReport(
        tenant=tenant,
        job=WEBHOOKS,
        day=tenant_today(context, tenant).isoformat(),
        done=report.delivered,
        failed=sorted(set(report.failed)),
    )


RECONCILE_PAYOUTS = "reconcile_payouts"


def reconcile_payouts(context: Context, tenant: str) -> JobReport:
    """Query WeChat Pay or Alipay for the payouts it may still pay (an answer lost, a
    transfer waiting for the payee, a rejected withdrawal's transfer still moving):
    service/gateway_payouts.reconcile_due."""
    done = gateway_payouts.reconcile_due(context, tenant)
    day = tenant_today(context, tenant).isoformat()
    return JobReport(tenant=tenant, job=RECONCILE_PAYOUTS, day=day, done=done, failed=[])


def tick(context: Context, only: Collection[str] | None = None) -> list[JobReport]:
    """Run every due job of every tenant (or of those named in `only`) once (orders
    complete first, so that a day's run sees the orders of that day), then deliver what
    webhooks are due. Each job asks, in one statement, which tenants it has work for
    (paid orders past their return window, dividend plans, zones, rows to forget) and
    runs for those only: asking every tenant was a dozen transactions a tenant every
    minute of every server, with thousands of tenants and nothing due."""
    now = context.clock()

    def with_work(connection: Connection) -> dict[str, set[str]]:
        return {
            COMPLETE_ORDERS: set(tenants_with_due_orders(connection, now, only)),
            DIVIDENDS: set(tenants_with_dividends_due(connection, now, only)),
            MODE_DAYS: set(tenants_with_days_due(connection, now, only)),
            FORGET_STALE: set(tenants_with_forgettable(connection, now, FAILURE_WINDOW, only)),
        }

    work = query(context, with_work)
    jobs = (
        (COMPLETE_ORDERS, complete_due_orders),
        (DIVIDENDS, pay_dividends),
        (MODE_DAYS, run_mode_days),
        (FORGET_STALE, forget_stale),
    )
    reports: list[JobReport] = []
    for tenant in sorted(set().union(*work.values())):
        for name, job in jobs:
            if tenant in work[name]:
                done = _guarded(context, tenant, name, job)
                if isinstance(done, JobReport):  # forgetting reports nothing, unless it fails
                    reports.append(done)
    if only is None:  # sign-ins to tenants that do not exist (service/sessions.py)
        _guarded(context, STRANGERS, FORGET_STALE, forget_stale)
    # asked after the daily jobs, whose completions and payments make webhooks to send
    subscribed = query(context, lambda connection: tenants_with_subscriptions(connection, only))
    for tenant in subscribed:
        reports.append(_guarded(context, tenant, WEBHOOKS, deliver_webhooks))
    now = context.clock()
    paying = query(
        context, lambda connection: gateway_payouts.tenants_paying(connection, now, only)
    )
    for tenant in paying:
        reports.append(_guarded(context, tenant, RECONCILE_PAYOUTS, reconcile_payouts))
    return reports


def _guarded(context: Context, tenant: str, name: str, job: Callable[[Context, str], Any]) -> Any:
    """One tenant's job, whose failure (its adapter changed, a key dropped, a bug its
    data meets) is logged and reported and stops neither its other jobs nor the other
    tenants': a report of the job failing whole, `failed` naming the error."""
    try:
        return job(context, tenant)
    except Exception as error:
        if isinstance(error, DomainError):
            log.warning("tenant %s: %s failed: %s", tenant, name, error)
        else:
            log.exception("tenant %s: %s failed", tenant, name)
        return JobReport(
            tenant=tenant,
            job=name,
            day=_day_of_failure(context, tenant),
            done=0,
            failed=[f"{type(error).__name__}: {error}"[:200]],
        )


def _day_of_failure(context: Context, tenant: str) -> str:
    """The tenant's today, as its jobs' reports say it; UTC's when even that cannot be
    read (the database gone, or the tenant: the sign-ins to none)."""
    try:
        return tenant_today(context, tenant).isoformat()
    except Exception:  # a failure being reported must not fail again
        return context.clock().astimezone(UTC).date().isoformat()


FORGET_STALE = "forget_stale"


def forget_stale(context: Context, tenant: str) -> int:
    """Sign-in counts, sessions and rate counters that can no longer matter (so that the
    rows anyone may cause, without signing in, do not pile up)."""
    now = context.clock()

    def run() -> int:
        with context.database.write() as connection:
            return security.prune(connection, tenant, now, FAILURE_WINDOW)

    return context.database.retrying(run)


class JobRunner(threading.Thread):
    """The server's own ticker: `tick` every interval until stopped."""

    def __init__(self, context: Context, interval: float) -> None:
        super().__init__(name="zengzhi-jobs", daemon=True)
        self._context = context
        self._interval = interval
        # not `_stop`: threading.Thread has a method of that name, which join() calls
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                tick(self._context)
            except Exception:  # a failing tick is logged, the next one runs anyway
                log.exception("tick failed")

    def stop(self) -> None:
        self._stopping.set()
