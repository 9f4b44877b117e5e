"""A member as the API and the pages show them: one, a page of them, their positions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel
from sqlalchemy import Connection, select

from zengzhi.core.amounts import Price, format_minor, percent
from zengzhi.rules.pool import Position, cap_left_scaled, capped_payout, progress, threshold
from zengzhi.service.base import found
from zengzhi.service.queries.pools import pool_balances
from zengzhi.service.tenants import load_settings
from zengzhi.store import tables as t
from zengzhi.store.members import MemberRow, Members
from zengzhi.store.pools import CLOSED, params_from_row
from zengzhi.store.tenanted import of_tenant


class MemberView(BaseModel):
    id: str
    phone: str | None
    name: str | None
    referrer: str | None
    region: str | None
    real_name_verified: bool
    created_at: datetime


def member_view(row: MemberRow) -> MemberView:
    return MemberView(
        id=row.member_id,
        phone=row.phone,
        name=row.name,
        referrer=row.referrer,
        region=row.region,
        real_name_verified=row.real_name_verified,
        created_at=row.created_at,
    )


def member_detail(connection: Connection, tenant: str, member: str) -> MemberView:
    return member_view(found(Members(connection, tenant).get(member), "member", member))


def member_page(
    connection: Connection, tenant: str, text: str | None, limit: int, after: str | None
) -> list[MemberView]:
    """Members by id order; `text` matches the start of an id or a phone number."""
    return [member_view(row) for row in Members(connection, tenant).page(text, limit, after)]


class Me(BaseModel):
    id: str
    name: str | None
    tenant: str
    tenant_name: str
    referral_link: str | None  # the platform's sign-up address naming this member
    pool_names: dict[str, str] = {}  # what the platform calls its pools (by id)


def me_view(connection: Connection, tenant: str, member: str) -> Me:
    """The member page's header: who is signed in, to which platform, their link."""
    row = found(Members(connection, tenant).get(member), "member", member)
    name = connection.execute(
        select(t.tenants.c.name).where(of_tenant(t.tenants, tenant))
    ).scalar_one()
    page = load_settings(connection, tenant).member_page
    template = page.referral_link
    link = template.replace("{member}", quote(member, safe="")) if template else None
    return Me(
        id=row.member_id,
        name=row.name,
        tenant=tenant,
        tenant_name=name,
        referral_link=link,
        pool_names=page.pool_names,
    )


class PositionView(BaseModel):
    pool: str
    points: str
    principal: str
    realized: str
    value: str  # the points at today's price
    price: str
    exit_price: str | None  # the price that forces the exit (None: no exit, or no points)
    progress: str | None  # return ÷ cap, percent
    cap_left: str | None  # what an exit would still pay before the fee
    # what it pays into the wallet: the cap left less the selling fee (the member page
    # said the cap left went to the wallet, ¥1,200 where ¥960 would)
    exit_payout: str | None


def position_view(pool: str, position: Position, params: Any, price: Price) -> PositionView:
    multiple = params.exit_multiple
    at = threshold(position, multiple) if multiple else None
    share = progress(position, multiple, price) if multiple else None
    cap_left = payout = None
    if multiple is not None:
        cap = cap_left_scaled(position, multiple)
        cap_left = format_minor(max(0, cap) // multiple.den, 2)
        payout = format_minor(capped_payout(cap, multiple, params.sell_fee), 2)
    return PositionView(
        pool=pool,
        points=format_minor(position.points, 4),
        principal=format_minor(position.principal, 2),
        realized=format_minor(position.realized, 2),
        value=format_minor(price.value_floor(position.points), 2),
        price=str(price),
        exit_price=str(at) if at else None,
        progress=None if share is None else percent(share),
        cap_left=cap_left,
        exit_payout=payout,
    )


def open_positions(connection: Connection, tenant: str, member: str) -> list[PositionView]:
    """The member's open positions, each valued at its pool's price now."""
    found(Members(connection, tenant).get(member), "member", member)
    c = t.positions.c
    rows = connection.execute(
        select(t.positions, t.pools.c.params, t.pools.c.last_price_fen, t.pools.c.last_price_units)
        .join(t.pools, (t.pools.c.tenant_id == c.tenant_id) & (t.pools.c.pool_id == c.pool_id))
        .where(of_tenant(c, tenant), c.member_id == member, c.opened != CLOSED)
        .order_by(c.pool_id)
    ).all()
    views = []
    for row in rows:
        params = params_from_row(row.params)
        balance, points = pool_balances(connection, tenant, row.pool_id)
        last = (
            Price(int(row.last_price_fen), int(row.last_price_units))
            if row.last_price_fen is not None
            else params.opening_price
        )
        price = Price(balance, points) if points > 0 else last
        position = Position(
            member, int(row.opened), int(row.principal), int(row.realized), int(row.points)
        )
        views.append(position_view(row.pool_id, position, params, price))
    return views


def paid_by_pool(connection: Connection, tenant: str, member: str) -> dict[str, str]:
    """What each pool paid the member and the member kept (sales and exits, after the sell
    fee: what reached the wallet, less what reversals of the member's orders charged back
    of it), whether a position is open or not (its row keeps the history, one row a pool
    and member); yuan text by pool. A refund that took a sale's 400.00 back left the page
    saying the pool had paid 400.00 beside what the member had spent without that order."""
    c = t.positions.c
    rows = connection.execute(
        select(c.pool_id, c.paid, c.charged).where(of_tenant(c, tenant), c.member_id == member)
    )
    return {row.pool_id: format_minor(max(0, int(row.paid) - int(row.charged)), 2) for row in rows}
