"""Each day's postings summed by account: what a report that looks back a month (the
dashboard's risk panel) adds up instead of every posting of the month.

A row is (day, account, asset, amount): the sum of the postings of that day's entries
(the entry's time, UTC) to the account. A member's accounts are summed by kind, not one
row a member: `member:*:wallet`, `member:*:withdrawing` and `member:*:debt` (the kinds the
solvency report reads by pattern), the rest of them together as `member:*`. The ledger
writes them with its entries, in the same transaction (`store/ledger.py`); `zengzhi
audit` checks them against the postings (`differences`); migration 0016 filled them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, case, func, literal, select

from zengzhi.core.ledger import Entry
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant

MEMBER_KINDS = ("wallet", "withdrawing", "debt")  # a member's accounts kept apart, by kind
OTHER_MEMBER = "member:*"


def key(account: str) -> str:
    """The row an account's postings are summed into (as `key_sql` says in SQL)."""
    if not account.startswith("member:"):
        return account
    for kind in MEMBER_KINDS:
        if account.endswith(f":{kind}"):
            return f"member:*:{kind}"
    return OTHER_MEMBER


def key_sql(account: Any) -> Any:
    """`key` in SQL, for a column of account names."""
    return case(
        *((account.like(f"member:%:{kind}"), literal(f"member:*:{kind}")) for kind in MEMBER_KINDS),
        (account.like("member:%"), literal(OTHER_MEMBER)),
        else_=account,
    )


def day_of(at: datetime) -> date:
    return at.astimezone(UTC).date()


def rows(tenant: str, entries: Iterable[Entry], at: datetime) -> list[dict[str, Any]]:
    """The day's rows these entries' postings, written at `at`, add to, in key order (no
    two commands lock them crosswise)."""
    sums: dict[tuple[str, str], int] = {}
    for entry in entries:
        for account, asset, amount in entry.postings:
            row = (key(account), asset)
            sums[row] = sums.get(row, 0) + amount
    day = day_of(at)
    return [
        {"tenant_id": tenant, "day": day, "account": account, "asset": asset, "amount": amount}
        for (account, asset), amount in sorted(sums.items())
        if amount
    ]


def _entry_day(connection: Connection, at: Any) -> Any:
    if connection.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", at))
    return func.substr(at, 1, 10)  # SQLite keeps "YYYY-MM-DD HH:MM:SS…", in UTC


def differences(connection: Connection, tenant: str) -> list[tuple[str, str, str, int, int]]:
    """Rows that are not the sum of their day's postings: (day, account, asset, kept,
    summed), by day."""
    p, e, d = t.postings.c, t.entries.c, t.ledger_days.c
    each = (
        select(
            _entry_day(connection, e.at).label("day"),
            key_sql(p.account).label("account"),
            p.asset,
            p.amount,
        )
        .select_from(t.postings)
        .join(t.entries, (e.tenant_id == p.tenant_id) & (e.entry_id == p.entry_id))
        .where(of_tenant(p, tenant))
        .subquery()
    )
    summed = {
        (str(r[0]), str(r[1]), str(r[2])): int(r[3])
        for r in connection.execute(
            select(each.c.day, each.c.account, each.c.asset, func.sum(each.c.amount)).group_by(
                each.c.day, each.c.account, each.c.asset
            )
        )
    }
    kept = {
        (r.day.isoformat(), str(r.account), str(r.asset)): int(r.amount)
        for r in connection.execute(
            select(d.day, d.account, d.asset, d.amount).where(of_tenant(d, tenant))
        )
    }
    return sorted(
        (*row, kept.get(row, 0), summed.get(row, 0))
        for row in set(kept) | set(summed)
        if kept.get(row, 0) != summed.get(row, 0)
    )
