"""The ledger in SQL: balances read under a row lock, entries written at commit.

A balance a command reads is locked (`FOR UPDATE`) until the command commits, so two
commands cannot both spend the same money. What a command posts changes its cached
balances at once (the rules read their own writes) and reaches the tables at the end,
balance rows in one fixed order so that two commands never lock them crosswise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Row, Select, bindparam, func, select

from zengzhi.core import accounts
from zengzhi.core.ledger import CNY, Entry, UnbalancedEntry, settling_order, unbalanced
from zengzhi.store import ledger_days
from zengzhi.store import tables as t
from zengzhi.store.database import Rows, Then, write_together
from zengzhi.store.member_figures import (
    Growth,
    follow_balances,
    moved_members,
    with_the_balances,
)
from zengzhi.store.tenanted import of_tenant

_b = t.balances.c
_BALANCE = select(_b.amount).where(
    of_tenant(_b, bindparam("tenant")),
    _b.account == bindparam("account"),
    _b.asset == bindparam("asset"),
)
_LOCKED_BALANCE = _BALANCE.with_for_update()
# A pool's cash and its points' supply: every price reads both (rules/pool.py
# `balance_and_points`), so the first read of the cash takes the supply along (and the
# pool's positions may take this read along: `ReadsWithPool`).
LOCKED_POOL = (
    select(_b.account, _b.asset, _b.amount)
    .where(
        of_tenant(_b, bindparam("tenant")),
        ((_b.account == bindparam("cash")) & (_b.asset == CNY))
        | ((_b.account == bindparam("supply")) & (_b.asset == bindparam("points"))),
    )
    .order_by(_b.account, _b.asset)
    .with_for_update()
)


def owed_to(connection: Connection, tenant: str, creditor: str) -> int:
    """What all members owe `creditor`: its receivables `member:<id>:owes:<creditor>`."""
    total = connection.execute(
        select(func.coalesce(func.sum(_b.amount), 0)).where(
            of_tenant(_b, tenant),
            _b.asset == CNY,
            _b.account.startswith("member:"),
            _b.account.endswith(f":owes:{creditor}", autoescape=True),
        )
    ).scalar_one()
    return int(total)


def holders(connection: Connection, tenant: str, kind: str, asset: str) -> dict[str, int]:
    """Every `member:<id>:<kind>` balance of `asset`, by account."""
    return {
        row.account: int(row.amount)
        for row in connection.execute(
            select(_b.account, _b.amount).where(
                of_tenant(_b, tenant),
                _b.asset == asset,
                _b.account.startswith("member:"),
                _b.account.endswith(f":{kind}", autoescape=True),
            )
        )
    }


def _positive_holders(found: dict[str, int], kind: str) -> list[tuple[str, int]]:
    cut = len(kind) + 1
    return sorted((account[7:-cut], amount) for account, amount in found.items() if amount > 0)


def _owed(tenant: str, prefix: str) -> Select[tuple[str, int]]:
    """A member's receivables (`member:<id>:owes:<creditor>`): the accounts that begin
    with the prefix (escaped: ids may hold `_`, a LIKE wildcard)."""
    return (
        select(_b.account, _b.amount)
        .where(
            of_tenant(_b, tenant),
            _b.asset == CNY,
            _b.account.startswith(prefix, autoescape=True),
        )
        .order_by(_b.account)
    )


_PREFETCH = 1000  # balances a statement


class ReadsWithPool(Protocol):
    def with_pool(self, params: dict[str, str]) -> Sequence[Any] | None:
        """`LOCKED_POOL`'s rows, read in a statement of the caller's own, or None."""


class SqlLedger:
    def __init__(self, connection: Connection, tenant: str) -> None:
        self._connection = connection
        self._tenant = tenant
        self._balances: dict[tuple[str, str], int] = {}
        self._deltas: dict[tuple[str, str], int] = {}
        self._posted: list[Entry] = []
        self.pending: list[Entry] = []  # posted, not yet written
        # a loaded pool's positions (`SqlPools.positions_of`), which read what the first
        # order of a command will ask them for with the pool's balances: one round trip
        self.positions_of: Callable[[str], ReadsWithPool | None] = lambda pool: None

    def balance(self, account: str, asset: str) -> int:
        key = (account, asset)
        held = self._balances.get(key)
        if held is None:
            pool = (
                accounts.pool_cash_owner(account)
                if asset == CNY
                else accounts.pool_supply_owner(account, asset)
            )
            if pool is not None:  # either of the pair read first takes the other along
                self._read_pool(accounts.pool_cash(pool), pool)
                return self._balances[key]
            row = self._connection.execute(
                _LOCKED_BALANCE, {"tenant": self._tenant, "account": account, "asset": asset}
            ).first()
            # what this command posted before it first read the balance counts too
            held = (int(row[0]) if row else 0) + self._deltas.get(key, 0)
            self._balances[key] = held
        return held

    def _read_pool(self, cash: str, pool: str) -> None:
        supply, points = accounts.pool_supply(pool), accounts.points_asset(pool)
        keys = [(cash, CNY), (supply, points)]
        params = {"tenant": self._tenant, "cash": cash, "supply": supply, "points": points}
        positions = self.positions_of(pool)
        rows = positions.with_pool(params) if positions is not None else None
        if rows is None:
            rows = self._connection.execute(LOCKED_POOL, params).all()
        found = {(row.account, row.asset): int(row.amount) for row in rows}
        for key in keys:
            if key not in self._balances:  # a balance read before is this command's already
                self._balances[key] = found.get(key, 0) + self._deltas.get(key, 0)

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        """Read and lock these balances a thousand a statement, in account order (the
        order `write_balances` locks in), before the rules ask for them one by one."""
        by_asset: dict[str, list[str]] = {}
        for account, asset in sorted(set(keys)):
            if (account, asset) not in self._balances:
                by_asset.setdefault(asset, []).append(account)
        for asset, wanted in by_asset.items():
            for first in range(0, len(wanted), _PREFETCH):
                chunk = wanted[first : first + _PREFETCH]
                found = {
                    row.account: row.amount
                    for row in self._connection.execute(
                        select(_b.account, _b.amount)
                        .where(
                            of_tenant(_b, self._tenant), _b.asset == asset, _b.account.in_(chunk)
                        )
                        .order_by(_b.account)
                        .with_for_update()
                    )
                }
                for account in chunk:
                    key = (account, asset)
                    self._balances[key] = int(found.get(account, 0)) + self._deltas.get(key, 0)

    def receivables(self, member: str) -> list[tuple[str, int]]:
        """The member's receivable accounts, read (and locked) by their common prefix,
        with what this command posted to them since."""
        prefix = accounts.owes_prefix(member)
        found = {
            row.account: int(row.amount)
            for row in self._connection.execute(_owed(self._tenant, prefix).with_for_update())
        }
        for account, asset in list(self._deltas):
            if asset == CNY and account.startswith(prefix):
                found.setdefault(account, 0)
        owed = []
        for account, amount in found.items():
            key = (account, CNY)
            if key not in self._balances:
                self._balances[key] = amount + self._deltas.get(key, 0)
            owed.append((account[len(prefix) :], self._balances[key]))
        return settling_order(owed)

    def owed_to(self, creditor: str) -> int:
        suffix = f":owes:{creditor}"
        pending = sum(
            delta
            for (account, asset), delta in self._deltas.items()
            if asset == CNY and account.startswith("member:") and account.endswith(suffix)
        )
        return owed_to(self._connection, self._tenant, creditor) + pending

    def holders(self, kind: str, asset: str) -> list[tuple[str, int]]:
        """The stored balances with what this command posted to them since."""
        found = holders(self._connection, self._tenant, kind, asset)
        suffix = ":" + kind
        for (account, held_in), delta in self._deltas.items():
            if held_in == asset and account.startswith("member:") and account.endswith(suffix):
                found[account] = found.get(account, 0) + delta
        return _positive_holders(found, kind)

    def post(self, entry: Entry) -> None:
        problem = unbalanced(entry)
        if problem is not None:
            raise UnbalancedEntry(problem)
        for account, asset, amount in entry.postings:
            key = (account, asset)
            if key in self._balances:
                self._balances[key] += amount
            self._deltas[key] = self._deltas.get(key, 0) + amount
        self._posted.append(entry)
        self.pending.append(entry)

    def take_posted(self) -> list[Entry]:
        posted, self._posted = self._posted, []
        return posted

    def write_balances(
        self,
        spent: Mapping[str, int] | None = None,
        growth: Growth | None = None,
        first: Sequence[Rows] = (),
        then: Then | None = None,
    ) -> Row[Any] | None:
        """Add this command's changes to the balance rows, in account order, and to the
        members' kept wallets and points, with the `spent` totals its orders held back
        and the team performance it grew (store/member_figures.py): the members' rows
        after the balances', as every command locks them (docs/service.md). The rows
        `first` (the commit's held orders, positions and lots, new or changed, and the
        pools' rows) go in the same statement as the balances' (store/database.py
        write_together), and so does one member's row alone, written after them, and
        `then` (the tenant's counters, store/uow.py), after everything: what it
        returned."""
        rows = [
            {"tenant_id": self._tenant, "account": account, "asset": asset, "amount": delta}
            for (account, asset), delta in sorted(self._deltas.items())
            if delta
        ]
        moved = moved_members(self._deltas, spent, growth)
        member = with_the_balances(self._tenant, moved, growth)
        # the rows one after the other, in the account order that keeps two commands
        # from locking the same balances crosswise; a lone member's row after them
        parts = [*first, Rows(t.balances, rows, adding=("amount",))]
        self._deltas.clear()
        if member is not None:
            parts.append(member)
        elif moved:  # several members, or a grown team: their own statements between
            write_together(self._connection, parts)
            follow_balances(self._connection, self._tenant, moved, growth)
            parts = []
        return write_together(self._connection, parts, then)

    def entry_rows(self, at: datetime) -> list[Rows]:
        """The pending entries numbered from 1, as rows to insert (entries, their
        postings, their day's totals), which the caller writes with the command's other
        rows, numbered on from the tenant's counter (store/uow.py, store/tenants.py
        `numbering`); the ledger has none pending after."""
        entry_rows: list[dict[str, Any]] = []
        posting_rows: list[dict[str, Any]] = []
        for number, one in enumerate(self.pending, start=1):
            entry, postings = entry_rows_of(self._tenant, number, one, at)
            entry_rows.append(entry)
            posting_rows += postings
        days = ledger_days.rows(self._tenant, self.pending, at)
        self.pending.clear()
        return [
            Rows(t.entries, entry_rows),
            Rows(t.postings, posting_rows),
            Rows(t.ledger_days, days, adding=("amount",)),
        ]


class ReadLedger:
    """Balances as they stand, for reports: no lock, nothing posted."""

    def __init__(self, connection: Connection, tenant: str) -> None:
        self._connection = connection
        self._tenant = tenant

    def balance(self, account: str, asset: str) -> int:
        found = self._connection.execute(
            _BALANCE, {"tenant": self._tenant, "account": account, "asset": asset}
        ).scalar_one_or_none()
        return int(found or 0)

    def holders(self, kind: str, asset: str) -> list[tuple[str, int]]:
        return _positive_holders(holders(self._connection, self._tenant, kind, asset), kind)

    def post(self, entry: Entry) -> None:
        raise TypeError("a report's ledger posts nothing")

    def take_posted(self) -> list[Entry]:
        return []

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        pass  # a report reads what it needs

    def owed_to(self, creditor: str) -> int:
        return owed_to(self._connection, self._tenant, creditor)

    def receivables(self, member: str) -> list[tuple[str, int]]:
        prefix = accounts.owes_prefix(member)
        rows = self._connection.execute(_owed(self._tenant, prefix))
        return settling_order((row.account[len(prefix) :], int(row.amount)) for row in rows)


def entry_rows_of(
    tenant: str, entry_id: int, entry: Entry, at: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The `entries` row and the `postings` rows of one journal entry."""
    row = {
        "tenant_id": tenant,
        "entry_id": entry_id,
        "cause": entry.cause,
        "kind": entry.kind,
        "rule": entry.rule,
        "params": dict(entry.params),
        "corrects": entry.corrects,
        "at": at,
    }
    postings = [
        {
            "tenant_id": tenant,
            "entry_id": entry_id,
            "n": n,
            "account": account,
            "asset": asset,
            "amount": amount,
        }
        for n, (account, asset, amount) in enumerate(entry.postings)
    ]
    return row, postings
