"""Checking the books, and the audit log of who changed what.

`check_ledger` rebuilds every balance from the journal's postings and compares it with
the balance the service keeps; it also holds each position's points to the member's
holdings. `check_replay` runs the tenant's event log through the in-memory engine (the
same rules) and compares every balance and position with the database: the service's
state is exactly what its history says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.core import accounts
from zengzhi.core.ledger import format_amount
from zengzhi.engine.config import TenantConfig
from zengzhi.engine.positions import MemoryPositions
from zengzhi.engine.replay import Replay, ReplayError, replay
from zengzhi.engine.snapshot import memory_pools
from zengzhi.engine.state import OrderBook
from zengzhi.rules.modes import zone
from zengzhi.rules.modes.common import SHOPPING_ZONE
from zengzhi.rules.modes.zone import ModeBook
from zengzhi.rules.pool import PoolState
from zengzhi.service.base import Context, query
from zengzhi.service.tenants import load_settings
from zengzhi.store import ledger_days, member_figures
from zengzhi.store.books import (
    Balances,
    closed_lot_rows,
    counts,
    kept_balances,
    position_rows,
    positions_with_lots,
    posted_balances,
)
from zengzhi.store.event_log import EventLog
from zengzhi.store.ledger import ReadLedger
from zengzhi.store.modes import SqlModes
from zengzhi.store.network import referral_cycles
from zengzhi.store.orders import spent_differences
from zengzhi.store.pools import CLOSED, keep_closed_lots
from zengzhi.store.spill import SpillStore
from zengzhi.store.tenants import active_webhooks_counted, all_tenants


class Difference(BaseModel):
    what: str
    kept: str
    expected: str


def _balance_differences(kept: Balances, expected: Balances) -> list[Difference]:
    """Each balance kept otherwise than expected (a missing one is 0), by account."""
    return [
        Difference(
            what=f"balance {account} {asset}",
            kept=format_amount(kept.get((account, asset), 0), asset),
            expected=format_amount(expected.get((account, asset), 0), asset),
        )
        for account, asset in sorted(set(kept) | set(expected))
        if kept.get((account, asset), 0) != expected.get((account, asset), 0)
    ]


def check_ledger(connection: Connection, tenant: str) -> list[Difference]:
    kept = kept_balances(connection, tenant)
    differences = _balance_differences(kept, posted_balances(connection, tenant))
    rows = position_rows(connection, tenant)
    keeping = {(row.pool_id, row.member_id) for row in rows if row.next_lot is not None}
    differences += [  # lots left by a position that closed, or kept none
        Difference(what=f"position {pool}/{member} lots", kept="lots", expected="none")
        for pool, member in sorted(positions_with_lots(connection, tenant) - keeping)
    ]
    for row in rows:
        if row.lots is not None and sum(int(lot[1]) for lot in row.lots) != row.points:
            differences.append(
                Difference(
                    what=f"position {row.pool_id}/{row.member_id} lots",
                    kept=str(row.lots),
                    expected=format_amount(row.points, "PTS"),
                )
            )
        holding = kept.get(
            (accounts.holdings(row.member_id, row.pool_id), accounts.points_asset(row.pool_id)), 0
        )
        if holding != row.points:
            differences.append(
                Difference(
                    what=f"position {row.pool_id}/{row.member_id} points",
                    kept=format_amount(row.points, "PTS"),
                    expected=format_amount(holding, "PTS"),
                )
            )
    differences += [
        Difference(
            what=f"member {member} spent (completed orders)",
            kept=format_amount(kept_total, "CNY"),
            expected=format_amount(summed, "CNY"),
        )
        for member, kept_total, summed in spent_differences(connection, tenant)
    ]
    differences += [
        Difference(
            what=f"member {member} {figure} (kept for the console)",
            kept=_figure_text(figure, kept_value),
            expected=_figure_text(figure, source),
        )
        for member, figure, kept_value, source in member_figures.differences(connection, tenant)
    ]
    differences += [
        Difference(
            what=f"day {day} {account} {asset} (summed for reports)",
            kept=format_amount(kept_sum, asset),
            expected=format_amount(summed, asset),
        )
        for day, account, asset, kept_sum, summed in ledger_days.differences(connection, tenant)
    ]
    differences += [
        Difference(what=f"referral cycle: {' → '.join([*ring, ring[0]])}", kept="", expected="")
        for ring in referral_cycles(connection, tenant)
    ]
    kept_count, counted = active_webhooks_counted(connection, tenant)
    if kept_count != counted:
        differences.append(
            Difference(
                what="active webhook subscriptions (kept for the commands)",
                kept=str(kept_count),
                expected=str(counted),
            )
        )
    book = SqlModes(connection, tenant)
    differences += [
        Difference(what=f"mode claims: {problem}", kept="", expected="")
        for problem in zone.problems(ReadLedger(connection, tenant), book, book.zones())
    ]
    return differences


def _figure_text(figure: str, value: int) -> str:
    return {"wallet": format_amount(value, "CNY"), "points": format_amount(value, "PTS")}.get(
        figure, str(value)
    )


def event_log(connection: Connection, tenant: str) -> list[str]:
    return EventLog(connection, tenant).lines()


def _replayed(connection: Connection, tenant: str) -> Replay:
    timezone = load_settings(connection, tenant).timezone
    return replay(event_log(connection, tenant), TenantConfig(timezone=timezone), kept=SpillStore())


def check_replay(connection: Connection, tenant: str) -> list[Difference]:
    """Replay the event log in memory and compare balances and positions with SQL."""
    try:
        run = _replayed(connection, tenant)
    except ReplayError as error:  # a difference to report, not a reason to stop the audit
        return [Difference(what=f"event log line {error.line}", kept="", expected=str(error))]
    memory = run.state.ledger.balances  # type: ignore[attr-defined]
    differences = _balance_differences(kept_balances(connection, tenant), memory)
    rows = position_rows(connection, tenant)
    stored = {  # open stakes as they stand, and every member's history in the pool
        (row.pool_id, row.member_id): (
            row.opened,
            row.principal,
            row.realized,
            row.points,
            row.paid,
            row.charged,
        )
        for row in rows
        if row.opened != CLOSED or row.paid or row.charged
    }
    # the points by lot, of the positions that keep them (not those opened before)
    stored_lots = {
        (row.pool_id, row.member_id): [tuple(lot) for lot in row.lots]
        for row in rows
        if row.opened != CLOSED and row.lots is not None
    }
    replayed: dict[tuple[str, str], tuple[int, ...]] = {}
    for pool_id, pool in memory_pools(run.state).items():
        book = pool.positions
        assert isinstance(book, MemoryPositions)
        for member, (paid, charged) in book.histories():
            replayed[(pool_id, member)] = (CLOSED, 0, 0, 0, paid, charged)
        for position in book:
            replayed[(pool_id, position.member)] = (
                position.opened,
                position.principal,
                position.realized,
                position.points,
                position.paid,
                position.charged,
            )
            lots = stored_lots.get((pool_id, position.member))
            expected = [tuple(lot) for lot in position.lots or []]
            if lots is not None and len(lots) < len(expected):
                # a reversal dropped its order's lot until 2026-12-07, and empties it now:
                # a reversed order's lot emptied here and not kept was dropped then (what
                # its points sold for is in the balances, which are compared below)
                expected = [
                    lot
                    for lot in expected
                    if lot in lots or lot[1] != 0 or not _reversed(run.state.orders, str(lot[0]))
                ]
            if lots is not None and lots != expected:
                differences.append(
                    Difference(
                        what=f"position {pool_id}/{position.member} lots",
                        kept=str(lots),
                        expected=str(position.lots),
                    )
                )
    differences += _closed_lot_differences(connection, tenant, memory_pools(run.state))
    for key in sorted(set(stored) | set(replayed)):
        if stored.get(key) != replayed.get(key):
            differences.append(
                Difference(
                    what=f"position {key[0]}/{key[1]}",
                    kept=str(stored.get(key)),
                    expected=str(replayed.get(key)),
                )
            )
    return differences + _claim_differences(connection, tenant, run.state.modes)


def _closed_lot_differences(
    connection: Connection, tenant: str, pools: dict[str, PoolState]
) -> list[Difference]:
    """What each closed stake's lot was paid, as kept and as the replay closed it (the
    upgrade to 0034 rebuilt those an earlier release deleted: service/schema.py)."""
    kept = closed_lot_rows(connection, tenant)
    replayed = closed_payouts(pools)
    return [
        Difference(
            what=f"closed lot {key[0]}/{key[1]} {key[2]}",
            kept=_yuan(kept.get(key)),
            expected=_yuan(replayed.get(key)),
        )
        for key in sorted(set(kept) | set(replayed))
        if kept.get(key) != replayed.get(key)
    ]


def restore_closed_lots(connection: Connection, tenant: str) -> None:
    """The closed stakes' lots that a release before migration 0034 deleted, rebuilt by
    replaying the tenant's log, so that a refund of one of their orders charges what the
    replay charges (docs/deploy.md); the lots kept stay as they are. None where the log
    does not replay (the audit says why)."""
    try:
        run = _replayed(connection, tenant)
    except ReplayError:
        return
    kept = closed_lot_rows(connection, tenant)
    missing: dict[str, list[tuple[str, str, int]]] = {}
    for (pool, member, cause), fen in closed_payouts(memory_pools(run.state)).items():
        if (pool, member, cause) not in kept:
            missing.setdefault(pool, []).append((member, cause, fen))
    for pool, lots in missing.items():
        keep_closed_lots(connection, tenant, pool, lots)


def closed_payouts(pools: dict[str, PoolState]) -> dict[tuple[str, str, str], int]:
    """What the points of every closed stake's lot were paid in memory, by (pool, member,
    cause)."""
    found: dict[tuple[str, str, str], int] = {}
    for pool_id, pool in pools.items():
        book = pool.positions
        assert isinstance(book, MemoryPositions)
        found |= {(pool_id, member, cause): fen for member, cause, fen in book.closed_payouts()}
    return found


def _yuan(fen: int | None) -> str:
    return "none" if fen is None else format_amount(fen, "CNY")


def _claim_differences(connection: Connection, tenant: str, replayed: ModeBook) -> list[Difference]:
    """Every open claim of every mode, in the database and in the replay."""
    kept = SqlModes(connection, tenant)
    differences = []
    for name, modes in kept.zones().items():
        for mode in modes.configured():
            where = SHOPPING_ZONE if mode == "shopping" else name
            ours, theirs = list(kept.queue(where, mode)), list(replayed.queue(where, mode))
            if ours != theirs:
                differences.append(
                    Difference(
                        what=f"claims of {mode} in zone {where}",
                        kept=str(ours[:3]),
                        expected=str(theirs[:3]),
                    )
                )
    return differences


class AuditReport(BaseModel):
    tenant: str
    entries: int
    events: int
    differences: list[Difference]


def audit_tenant(connection: Connection, tenant: str, with_replay: bool) -> AuditReport:
    entries, events = counts(connection, tenant)
    differences = check_ledger(connection, tenant)
    if with_replay:
        differences += check_replay(connection, tenant)
    return AuditReport(tenant=tenant, entries=entries, events=events, differences=differences)


def audit_all(
    context: Context,
    tenant: str | None,
    with_replay: bool,
    watch: Callable[[Sequence[str]], Iterable[str]] = iter,
) -> list[AuditReport]:
    """`watch` passes the tenants through as they are audited (the CLI's progress bar)."""

    def run(connection: Connection) -> list[AuditReport]:
        tenants = [tenant] if tenant else all_tenants(connection)
        return [audit_tenant(connection, one, with_replay) for one in watch(tenants)]

    return query(context, run)


def _reversed(orders: OrderBook, cause: str) -> bool:
    """Whether the order that minted a lot (`order:<id>` in the service) was reversed."""
    record = orders.get(cause.removeprefix("order:")) or orders.get(cause)
    return record is not None and record.reversed_by is not None
