"""The tenant row as the unit of work reads it: where its days turn, and the counters
that number what each command writes (event log, entries, audit, webhook events)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnClause,
    ColumnElement,
    Connection,
    Integer,
    Row,
    Select,
    bindparam,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)

from zengzhi.core.days import DEFAULT_TIMEZONE, day_of, time_zone
from zengzhi.core.errors import DomainError
from zengzhi.rules.distribution import dividend_period, dividend_run_id
from zengzhi.store import tables as t
from zengzhi.store.database import Rows, Then
from zengzhi.store.tenanted import of_tenant, record_of


class Counters(NamedTuple):
    """The last number given out of each of the tenant's sequences."""

    event: int
    entry: int
    audit: int
    webhook: int


# Statements a command sends every time, built once: a statement built anew costs about
# 100 µs more of SQLAlchemy's CPU than the same one built once with bound parameters
# (docs/benchmarks.md), and a lone order sends some twenty.
_TENANT: BindParameter[str] = bindparam("tenant")
_SETTINGS = select(t.tenants.c.settings).where(of_tenant(t.tenants, _TENANT))
_SETTINGS_LOCKED = _SETTINGS.with_for_update()
_C = t.tenants.c
_COUNTING = {
    "event_seq": _C.event_seq + bindparam("event", type_=Integer),
    "entry_seq": _C.entry_seq + bindparam("entry", type_=Integer),
    "audit_seq": _C.audit_seq + bindparam("audit", type_=Integer),
}
_RETURNING = (_C.event_seq, _C.entry_seq, _C.audit_seq, _C.webhook_seq, _C.settings)
_ADVANCE = (
    update(t.tenants)
    .where(of_tenant(t.tenants, _TENANT))
    .values(_COUNTING)
    .returning(*_RETURNING, _C.active_webhooks)
)
# written out: SQLite names the updated table's columns unqualified, so SQLAlchemy's
# correlated `tenants.tenant_id` would become the subquery's own (every tenant's rows)
_ACTIVE_WEBHOOKS: ColumnClause[int] = literal_column(
    "(SELECT count(*) FROM webhook_subscriptions AS w"
    " WHERE w.tenant_id = tenants.tenant_id AND w.active)"
)
_ADVANCE_COUNTING_WEBHOOKS = (
    update(t.tenants)
    .where(of_tenant(t.tenants, _TENANT))
    .values({**_COUNTING, "active_webhooks": _ACTIVE_WEBHOOKS})
    .returning(*_RETURNING, _C.active_webhooks)
)


def tenant_settings(
    connection: Connection, tenant: str, lock: bool = False
) -> dict[str, Any] | None:
    """The tenant's settings as kept (JSON), or None when there is no such tenant;
    `lock`: the tenant row locked until the transaction ends (a change of settings reads
    them so: what it decides on and writes back whole is what it read)."""
    statement = _SETTINGS_LOCKED if lock else _SETTINGS
    row = connection.execute(statement, {"tenant": tenant}).first()
    return None if row is None else dict(row.settings)


@dataclass(frozen=True, slots=True)
class TenantRow:
    tenant_id: str
    name: str
    settings: dict[str, Any]  # as kept (JSON)
    created_at: datetime


def tenant_row(connection: Connection, tenant: str) -> TenantRow | None:
    row = connection.execute(select(t.tenants).where(of_tenant(t.tenants, tenant))).first()
    return None if row is None else record_of(TenantRow, row, settings=dict(row.settings))


def tenant_spelled(connection: Connection, tenant: str) -> str | None:
    """The tenant's id as kept, for the id in any case (one id in any case: migration
    0033), or None."""
    c = t.tenants.c
    statement = select(c.tenant_id).where(func.lower(c.tenant_id) == tenant.lower())
    return connection.execute(statement).scalar()


def tenant_exists(connection: Connection, tenant: str) -> bool:
    statement = select(t.tenants.c.tenant_id).where(of_tenant(t.tenants, tenant))
    return connection.execute(statement).first() is not None


def add_tenant(connection: Connection, tenant: TenantRow) -> None:
    """A new tenant, its counters at 0."""
    connection.execute(
        insert(t.tenants).values(
            tenant_id=tenant.tenant_id,
            name=tenant.name,
            settings=tenant.settings,
            event_seq=0,
            entry_seq=0,
            audit_seq=0,
            created_at=tenant.created_at,
        )
    )


def store_settings(connection: Connection, tenant: str, settings: dict[str, Any]) -> None:
    statement = update(t.tenants).where(of_tenant(t.tenants, tenant)).values(settings=settings)
    connection.execute(statement)


def settings_zone(settings: Mapping[str, Any] | None) -> ZoneInfo:
    """Where a tenant with these settings turns its days (their `timezone`)."""
    return time_zone((settings or {}).get("timezone", DEFAULT_TIMEZONE))


def tenant_time_zone(connection: Connection, tenant: str) -> ZoneInfo:
    """Where the tenant's days turn."""
    return settings_zone(tenant_settings(connection, tenant))


# the column of each table a counter numbers (`numbering`'s parameters)
_NUMBERED = {
    t.entries.name: (("entry_id", "entry"),),
    t.postings.name: (("entry_id", "entry"),),
    t.events.name: (("seq", "event"),),
    t.pool_history.name: (("seq", "event"),),
    t.audit_log.name: (("audit_id", "audit"),),
}


def numbering(
    tenant: str, by: Counters, webhooks_changed: bool = False, rows: Sequence[Rows] = ()
) -> Then:
    """The statement that gives out `by` more numbers of each of the tenant's sequences
    (webhooks apart: see `store_webhook_counter`), locking the tenant's row: the tenant's
    commits are numbered in the order they take this lock, so replaying the log in `seq`
    order repeats history. A command's last (store/uow.py: sent after its other writes,
    in their statement when it can, store/database.py `write_together`); what it returns
    is read by `numbered`. `webhooks_changed`: this command changed a subscription, and
    counts the active ones again; such commands run one at a time (the tenant's
    subscriptions lock, store/webhooks.py), so each counts what the one before
    committed. The count is a column of the row, not a query in this statement, because
    a query would see the subscriptions as the statement began: one added by a command
    that committed while this one waited for the row would be missed. `rows`: what the
    command numbers (entries, postings, events, the pools' history, audit, and the
    ledger's days beside them), each row numbered from 1 in its table's numbered column
    (`_NUMBERED`; a pool's history row by the command's last event, `by.event`),
    written after the counters, kept as the counter's number before them plus that."""
    statement = _ADVANCE_COUNTING_WEBHOOKS if webhooks_changed else _ADVANCE
    params = {"tenant": tenant, "event": by.event, "entry": by.entry, "audit": by.audit}
    numbered = [replace(part, numbered=_NUMBERED.get(part.table.name, ())) for part in rows]
    return Then(statement, params, numbered)


def numbered(row: Row[Any], by: Counters) -> tuple[Counters, dict[str, Any], bool]:
    """What `numbering` returned: the last numbers given out before it, the tenant's
    settings and whether it has an active webhook subscription, as they stand under the
    tenant's lock (this transaction's own change of them included): most tenants have
    none, and a command then reads none (store/uow.py)."""
    last = Counters(
        int(row.event_seq) - by.event,
        int(row.entry_seq) - by.entry,
        int(row.audit_seq) - by.audit,
        int(row.webhook_seq),
    )
    return last, dict(row.settings), int(row.active_webhooks) > 0


def active_webhooks_counted(connection: Connection, tenant: str) -> tuple[int, int]:
    """The tenant's count of active webhook subscriptions as kept on its row, and as the
    subscriptions' table has them (`zengzhi audit` reports them apart)."""
    w, c = t.webhook_subscriptions.c, t.tenants.c
    kept = connection.execute(select(c.active_webhooks).where(of_tenant(c, tenant))).scalar()
    counted = select(func.count()).where(of_tenant(w, tenant), w.active.is_(True))
    return int(kept or 0), int(connection.execute(counted).scalar_one())


def store_webhook_counter(connection: Connection, tenant: str, last: int) -> None:
    """The last webhook number given out (how many a command's notices make is known only
    once they are written, under the lock `numbering` took)."""
    statement = update(t.tenants).where(of_tenant(t.tenants, tenant)).values(webhook_seq=last)
    connection.execute(statement)


def all_tenants(connection: Connection) -> list[str]:
    """Every tenant's id, in order."""
    directory = select(t.tenants.c.tenant_id).order_by(t.tenants.c.tenant_id)
    return list(connection.execute(directory).scalars())


def tenants_having(
    connection: Connection,
    *probes: Callable[[ColumnElement[str]], Select[Any]],
    among: Collection[str] | None = None,
) -> list[str]:
    """The tenants (of `among`, or all) for which one of `probes(tenant)` finds a row, in
    one statement: the directory, each tenant kept where its own rows hold one (each
    probe correlated on `tenant_id`; under Citus the directory is a reference table and
    each node probes its own shards, tests/service/test_tenant_scoping.py). Asked tenant
    by tenant it was a statement a tenant, every poll of every worker."""
    d = t.tenants.c
    return _directory(connection, or_(*(exists(probe(d.tenant_id)) for probe in probes)), among)


def tenants_with_dividends_due(
    connection: Connection, now: datetime, among: Collection[str] | None = None
) -> list[str]:
    """The tenants (of `among`, or all) with a dividend plan whose run for its last
    finished period, as of `now` in the tenant's time zone, is not in its event log: not
    yet paid today, or refused (tried again at each tick until it is paid). Every tenant
    with a plan was run at every tick, a transaction a plan, for a run already paid at the
    day's first tick. Two statements: the directory's plans and time zones, then those
    of the runs due that its tenants' logs already hold."""
    d = t.tenants.c
    distribution = d.settings["distribution"]
    if connection.dialect.name == "postgresql":
        plans = func.jsonb_array_length(distribution["dividends"])
    else:
        plans = func.json_array_length(d.settings, "$.distribution.dividends")
    found = select(d.tenant_id, d.settings["timezone"], distribution["dividends"]).where(plans > 0)
    if among is not None:
        found = found.where(d.tenant_id.in_(sorted(among)))
    due: dict[str, set[str]] = {}
    for tenant, zone, kept in connection.execute(found):
        try:
            today = day_of(now, time_zone(zone or DEFAULT_TIMEZONE))
        except DomainError:  # never saved (settings check the zone): `run_dividends` says why
            due[tenant] = {""}
            continue
        due[tenant] = {
            dividend_run_id(plan["name"], dividend_period(plan.get("schedule", "daily"), today)[0])
            for plan in kept
        }
    if not due:
        return []
    e = t.events.c
    held = (
        select(d.tenant_id, e.event_id)
        .join_from(t.tenants, t.events, e.tenant_id == d.tenant_id)
        .where(d.tenant_id.in_(sorted(due)), e.event_id.in_(sorted(set().union(*due.values()))))
    )
    for tenant, run in connection.execute(held):
        due[tenant].discard(run)
    return sorted(tenant for tenant, runs in due.items() if runs)


def _directory(
    connection: Connection, condition: ColumnElement[bool], among: Collection[str] | None
) -> list[str]:
    d = t.tenants.c
    found = select(d.tenant_id).where(condition)
    if among is not None:
        found = found.where(d.tenant_id.in_(sorted(among)))
    return list(connection.execute(found.order_by(d.tenant_id)).scalars())
