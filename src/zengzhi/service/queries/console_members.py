"""The console's members table: search by the start of a member's id or phone, or
anywhere in their name (李 finds 李四), filters (star level, the days they joined, the
wallet's balance), sorting by any column, the total and a page at a time; each row with
the member's points (all pools), wallet, what their completed orders spent and their
team (direct referees). The same rows, all of them, for an export.

The figures are kept on the member's row (spent: store/orders.py; wallet, points and
team: store/member_figures.py), so sorting or filtering by one reads an index."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, select, union

from zengzhi.core.amounts import format_minor
from zengzhi.engine.fields import AS_WHOLE, ExactDecimal, Whole
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
from zengzhi.service.queries.console_orders import id_prefix
from zengzhi.service.queries.counting import bounded_count
from zengzhi.service.queries.paging import PAGE_SIZE, within_days
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant

EXPORT_CHUNK = 1000
Column = Literal["id", "name", "phone", "joined", "level", "points", "wallet", "spent", "team"]
COLUMNS: tuple[Column, ...] = (
    "id", "name", "phone", "joined", "level", "points", "wallet", "spent", "team",
)  # fmt: skip


class MemberSearch(BaseModel):
    text: str | None = Field(default=None, max_length=100)
    level: Annotated[int, Field(ge=0, le=100), AS_WHOLE] | None = None
    joined_from: date | None = None
    joined_until: date | None = None
    wallet_min: ExactDecimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    wallet_max: ExactDecimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    sort: Column = "joined"
    descending: bool = True
    page: Whole = Field(default=1, ge=1, le=1_000_000)


class MemberRow(BaseModel):
    id: str
    name: str | None
    phone: str | None
    joined: datetime
    level: int
    points: str  # all pools, 4 places
    wallet: str  # yuan
    spent: str  # yuan, completed orders
    team: int  # direct referees


class MemberPage(BaseModel):
    rows: list[MemberRow]
    total: int  # counted up to a bound (queries/counting.py)
    page: int
    pages: int
    exact: bool = True  # False: more than `total`


def _pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def name_holds(connection: Connection, column: Any, text: str) -> Any:
    """A name that holds `text` anywhere, case aside (李 finds 李四, li finds Amy Li)."""
    pattern = _pattern(text)
    # SQLite's LIKE ignores ASCII case itself (lower() would cost a call a row);
    # PostgreSQL's ILIKE is its case-blind LIKE
    if connection.dialect.name == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _matching(connection: Connection, tenant: str, text: str) -> Any:
    """The members a search text finds: an id or a phone that starts with it (a range on
    the primary key and on ix_members_tenant_phone), or a name that holds it anywhere:
    a pass over ix_members_name, which holds (tenant, name, member_id), so the scan
    reads the index alone (docs/console.md)."""
    m = t.members.alias("found").c
    return union(
        select(m.member_id).where(of_tenant(m, tenant), id_prefix(m.member_id, text)),
        select(m.member_id).where(of_tenant(m, tenant), id_prefix(m.phone, text)),
        select(m.member_id).where(of_tenant(m, tenant), name_holds(connection, m.name, text)),
    )


def _filtered(connection: Connection, tenant: str, search: MemberSearch) -> Any:
    """The members' select with the search's filters, sorted; no limit. Every sort and
    filter reads a column of the member's row (the figures are kept there: migrations
    0013 and 0015), so each has its index."""
    m = t.members.c
    statement = select(m.member_id).where(of_tenant(m, tenant))
    if search.text and search.text.strip():
        statement = statement.where(
            m.member_id.in_(_matching(connection, tenant, search.text.strip()))
        )
    if search.level is not None:
        statement = statement.where(m.team_level == search.level)
    statement = statement.where(
        *within_days(connection, tenant, m.created_at, search.joined_from, search.joined_until)
    )
    if search.wallet_min is not None:
        statement = statement.where(m.wallet >= int(search.wallet_min * 100))
    if search.wallet_max is not None:
        statement = statement.where(m.wallet <= int(search.wallet_max * 100))
    key: Any = {
        "id": m.member_id,
        "name": m.name,
        "phone": m.phone,
        "joined": m.created_at,
        "level": m.team_level,
        "points": m.points,
        "wallet": m.wallet,
        "spent": m.spent,
        "team": m.team,
    }[search.sort]
    order = [key.desc() if search.descending else key.asc()]
    if search.sort in ("name", "phone"):  # members without one come last either way
        order.insert(0, key.is_(None))
    tie = m.member_id.desc() if search.descending else m.member_id.asc()
    return statement.order_by(*order, tie)


def _rows(connection: Connection, tenant: str, ids: Sequence[str]) -> list[MemberRow]:
    """These members with their figures, in this order: one query for the page."""
    if not ids:
        return []
    m = t.members.c
    people = {
        r.member_id: r
        for r in connection.execute(
            select(
                m.member_id,
                m.name,
                m.phone,
                m.created_at,
                m.team_level,
                m.spent,
                m.points,
                m.wallet,
                m.team,
            ).where(of_tenant(m, tenant), m.member_id.in_(ids))
        )
    }
    return [
        MemberRow(
            id=member,
            name=people[member].name,
            phone=people[member].phone,
            joined=people[member].created_at,
            level=int(people[member].team_level),
            points=format_minor(int(people[member].points), 4),
            wallet=format_minor(int(people[member].wallet), 2),
            spent=format_minor(int(people[member].spent), 2),
            team=int(people[member].team),
        )
        for member in ids
        if member in people
    ]


def find_members(context: Context, principal: Principal, search: MemberSearch) -> MemberPage:
    principal.require(Permission.READ)
    tenant = principal.tenant

    def run(connection: Connection) -> MemberPage:
        listed = _filtered(connection, tenant, search)
        counted = bounded_count(connection, listed, search.page, PAGE_SIZE)
        shown = counted.page
        ids = list(
            connection.execute(listed.limit(PAGE_SIZE).offset((shown - 1) * PAGE_SIZE)).scalars()
        )
        return MemberPage(
            rows=_rows(connection, tenant, ids),
            total=counted.total,
            page=shown,
            pages=counted.pages,
            exact=counted.exact,
        )

    return query(context, run)


def every_member(
    context: Context, principal: Principal, search: MemberSearch
) -> Iterator[MemberRow]:
    """Every member the search finds, in its order (an export), read a chunk at a time
    in one read transaction, so the file is one moment's figures."""
    principal.require(Permission.READ)
    tenant = principal.tenant
    with context.database.read() as connection:
        ids = list(connection.execute(_filtered(connection, tenant, search)).scalars())
        for start in range(0, len(ids), EXPORT_CHUNK):
            yield from _rows(connection, tenant, ids[start : start + EXPORT_CHUNK])


__all__ = ["COLUMNS", "MemberPage", "MemberRow", "MemberSearch", "every_member", "find_members"]
