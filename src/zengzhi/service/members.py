"""Members: registration, lookup and search, their positions, and selling points."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, or_, select, update

from zengzhi.core import accounts
from zengzhi.core.amounts import Price, format_minor, percent
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import Bind, Join, Reassign, ReassignReferees, Sell, event_id
from zengzhi.engine.config import DEFAULT_POOL, ExactOrAll, Id, LimitsConfig, Name, Note, Region
from zengzhi.engine.fields import canonical
from zengzhi.engine.wire import points as parse_points
from zengzhi.rules.pool import Position, cap_left_scaled, progress, threshold
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command, not_found, once, query
from zengzhi.service.pools import pool_balances
from zengzhi.service.tenants import load_settings
from zengzhi.store import security
from zengzhi.store import tables as t
from zengzhi.store.pools import CLOSED, params_from_row
from zengzhi.store.uow import UnitOfWork


class NewMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    store: Id | None = None  # arrived through a store's code: bound to its owner
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 -]{3,32}$")
    name: Name | None = None
    referrer: Id | None = None
    region: Region | None = None
    real_name_verified: bool = False


class MemberChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 -]{3,32}$")
    name: Name | None = None
    region: Region | None = None
    real_name_verified: bool | None = None


class MemberView(BaseModel):
    id: str
    phone: str | None
    name: str | None
    referrer: str | None
    region: str | None
    real_name_verified: bool
    created_at: datetime


def _member_view(row: Any) -> MemberView:
    return MemberView(
        id=row.member_id,
        phone=row.phone,
        name=row.name,
        referrer=row.referrer,
        region=row.region,
        real_name_verified=row.real_name_verified,
        created_at=row.created_at,
    )


def _member_row(connection: Connection, tenant: str, member: str, lock: bool = False) -> Any:
    c = t.members.c
    statement = select(t.members).where(c.tenant_id == tenant, c.member_id == member)
    row = connection.execute(statement.with_for_update() if lock else statement).first()
    if row is None:
        raise not_found("member", member, "member")
    return row


def _store_owner(connection: Connection, tenant: str, store: str) -> str:
    row = connection.execute(
        select(t.stores.c.owner).where(t.stores.c.tenant_id == tenant, t.stores.c.store_id == store)
    ).first()
    if row is None:
        raise not_found("store", store, "store")
    if row.owner is None:
        raise DomainError(ErrorCode.INVALID, f"store {store!r} has no owner to bind to", "store")
    return str(row.owner)


def _limits(uow: UnitOfWork) -> LimitsConfig:
    settings = load_settings(uow.connection, uow.tenant)
    return settings.distribution.limits if settings.distribution else LimitsConfig()


_PHONE_TAKEN = "this phone number has an account already"


def _claim_phone(uow: UnitOfWork, phone: str, member: str) -> None:
    """One account per phone: the phone's key is claimed in the database (two
    registrations at once: one gets it, the other waits and is refused), and a member
    registered with the same number before the limit was on counts too."""
    c = t.members.c
    earlier = uow.connection.execute(
        select(c.member_id).where(
            c.tenant_id == uow.tenant, c.phone == phone, c.member_id != member
        )
    ).first()
    if (
        earlier is not None
        or security.claim_phone(uow.connection, uow.tenant, phone, member) != member
    ):
        raise DomainError(ErrorCode.CONFLICT, _PHONE_TAKEN, "phone")


def create_member(context: Context, principal: Principal, request: NewMember) -> MemberView:
    """Register a member, bound to a referrer (a link) or to a store's owner (its code)."""
    principal.require(Permission.MEMBERS)
    if request.referrer is not None and request.store is not None:
        raise DomainError(ErrorCode.INVALID, "give a referrer or a store, not both", "store")

    def run(uow: UnitOfWork) -> MemberView:
        c = t.members.c
        referrer = (
            _store_owner(uow.connection, uow.tenant, request.store)
            if request.store
            else request.referrer
        )
        found = uow.connection.execute(
            select(t.members).where(c.tenant_id == uow.tenant, c.member_id == request.id)
        ).first()
        if found is not None:
            same = (found.phone, found.name, found.referrer, found.region) == (
                request.phone,
                request.name,
                referrer,
                request.region,
            )
            if same:
                return _member_view(found)  # the same registration again: applied once
            raise DomainError(ErrorCode.CONFLICT, f"member {request.id!r} exists", "id")
        if request.phone and _limits(uow).one_account_per_phone:
            _claim_phone(uow, request.phone, request.id)
        uow.apply(Join(event_id("join", request.id), request.id, referrer, uow.now))
        uow.audit(
            principal.actor,
            "member.create",
            f"member:{request.id}",
            after={"referrer": referrer, "store": request.store, "region": request.region},
        )
        uow.connection.execute(
            update(t.members)
            .where(c.tenant_id == uow.tenant, c.member_id == request.id)
            .values(
                phone=request.phone,
                name=request.name,
                region=request.region,
                real_name_verified=request.real_name_verified,
            )
        )
        return _member_view(_member_row(uow.connection, uow.tenant, request.id))

    return command(context, principal, run)


class Binding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    referrer: Id | None = None
    store: Id | None = None


def bind(context: Context, principal: Principal, member: str, request: Binding) -> MemberView:
    """A member arrives through a referral link or a store's code after registering: bound
    if the platform's policy allows it (never re-bound)."""
    principal.require(Permission.MEMBERS)
    if (request.referrer is None) == (request.store is None):
        raise DomainError(ErrorCode.INVALID, "give a referrer or a store", "referrer")

    def run(uow: UnitOfWork) -> MemberView:
        referrer = (
            _store_owner(uow.connection, uow.tenant, request.store)
            if request.store
            else request.referrer
        )
        assert referrer is not None
        uow.apply(Bind(event_id("bind", f"{member}:{referrer}"), member, referrer, uow.now))
        uow.audit(
            principal.actor,
            "member.bind",
            f"member:{member}",
            before={"referrer": None},
            after={"referrer": referrer, "store": request.store},
        )
        return _member_view(_member_row(uow.connection, uow.tenant, member))

    return command(context, principal, run)


class Reassignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    referrer: Id
    reason: Note = Field(min_length=1)


def reassign(
    context: Context, principal: Principal, member: str, request: Reassignment
) -> MemberView:
    """Support moves a member to another referrer (seed 000's 举报): future orders only."""
    principal.require(Permission.REASSIGN)

    def run(uow: UnitOfWork) -> MemberView:
        before = _member_row(uow.connection, uow.tenant, member, lock=True)
        uow.apply(
            Reassign(
                event_id("reassign", uuid.uuid4().hex),
                member,
                request.referrer,
                request.reason,
                uow.now,
            )
        )
        uow.audit(
            principal.actor,
            "member.reassign",
            f"member:{member}",
            before={"referrer": before.referrer},
            after={"referrer": request.referrer},
            reason=request.reason,
        )
        return _member_view(_member_row(uow.connection, uow.tenant, member))

    return command(context, principal, run)


class RefereesMoved(BaseModel):
    member: str  # whose direct members moved
    referrer: str  # where they moved
    moved: list[str]


def reassign_referees(
    context: Context, principal: Principal, member: str, request: Reassignment
) -> RefereesMoved:
    """Support moves every direct member of `member` (a store's owner found capturing
    its recruiter's 间推 through a second account, or blocking platform payment) to the
    reporter, with a reason (seed 000 举报): future orders only, one audit record naming
    each member moved."""
    principal.require(Permission.REASSIGN)

    def run(uow: UnitOfWork) -> RefereesMoved:
        _member_row(uow.connection, uow.tenant, member, lock=True)
        moving = [one for one in uow.state.network.referees(member) if one != request.referrer]
        uow.apply(
            ReassignReferees(
                event_id("reassign", uuid.uuid4().hex),
                member,
                request.referrer,
                request.reason,
                uow.now,
            )
        )
        uow.audit(
            principal.actor,
            "member.reassign_referees",
            f"member:{member}",
            before={"referrer": member, "members": moving},
            after={"referrer": request.referrer, "members": moving},
            reason=request.reason,
        )
        return RefereesMoved(member=member, referrer=request.referrer, moved=moving)

    return command(context, principal, run)


def change_member(
    context: Context, principal: Principal, member: str, change: MemberChange
) -> MemberView:
    principal.require(Permission.MEMBERS)

    def run(uow: UnitOfWork) -> MemberView:
        before = _member_row(uow.connection, uow.tenant, member, lock=True)
        values = change.model_dump(exclude_none=True)
        if change.phone is not None and change.phone != before.phone:
            security.release_phone(uow.connection, uow.tenant, member)
            if _limits(uow).one_account_per_phone:
                _claim_phone(uow, change.phone, member)
        if values:
            c = t.members.c
            uow.connection.execute(
                update(t.members)
                .where(c.tenant_id == uow.tenant, c.member_id == member)
                .values(**values)
            )
            uow.audit(
                principal.actor,
                "member.change",
                f"member:{member}",
                before={k: getattr(before, k) for k in values},
                after=values,
            )
        return _member_view(_member_row(uow.connection, uow.tenant, member))

    return command(context, principal, run)


def get_member(context: Context, principal: Principal, member: str) -> MemberView:
    principal.require(Permission.READ)
    return query(
        context, lambda connection: _member_view(_member_row(connection, principal.tenant, member))
    )


def search_members(
    context: Context, principal: Principal, text: str | None, limit: int, after: str | None
) -> list[MemberView]:
    """Members by id order; `text` matches the start of an id or a phone number."""
    principal.require(Permission.READ)
    c = t.members.c
    statement = select(t.members).where(c.tenant_id == principal.tenant)
    if text:
        pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            or_(c.member_id.like(pattern, escape="\\"), c.phone.like(pattern, escape="\\"))
        )
    if after is not None:
        statement = statement.where(c.member_id > after)
    statement = statement.order_by(c.member_id).limit(limit)
    return query(
        context, lambda connection: [_member_view(row) for row in connection.execute(statement)]
    )


# ---------------------------------------------------------------------------- positions


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


def position_view(pool: str, position: Position, params: Any, price: Price) -> PositionView:
    multiple = params.exit_multiple
    at = threshold(position, multiple) if multiple else None
    share = progress(position, multiple, price) if multiple else None
    cap_left = None
    if multiple is not None:
        cap_left = format_minor(max(0, cap_left_scaled(position, multiple)) // multiple.den, 2)
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
    )


def member_positions(context: Context, principal: Principal, member: str) -> list[PositionView]:
    principal.require(Permission.READ)

    def run(connection: Connection) -> list[PositionView]:
        _member_row(connection, principal.tenant, member)
        c = t.positions.c
        rows = connection.execute(
            select(
                t.positions, t.pools.c.params, t.pools.c.last_price_fen, t.pools.c.last_price_units
            )
            .join(t.pools, (t.pools.c.tenant_id == c.tenant_id) & (t.pools.c.pool_id == c.pool_id))
            .where(c.tenant_id == principal.tenant, c.member_id == member, c.opened != CLOSED)
            .order_by(c.pool_id)
        ).all()
        views = []
        for row in rows:
            params = params_from_row(row.params)
            balance, points = pool_balances(connection, principal.tenant, row.pool_id)
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

    return query(context, run)


# ---------------------------------------------------------------------------- selling


class SellRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the request's own id: a repeat applies once")
    pool: Id = DEFAULT_POOL
    points: ExactOrAll = Field(description='points to sell, or "all"')


def audit_sale(
    uow: UnitOfWork,
    principal: Principal,
    member: str,
    request_id: str,
    pool: str,
    points: str,
    payout: str,
) -> None:
    """A sale in the audit log: who sold whose points (the member on their page, or the
    integrator or owner for them)."""
    uow.audit(
        principal.actor,
        "member.sell",
        f"member:{member}",
        after={"sale": request_id, "pool": pool, "points": points, "payout": payout},
    )


def sell(
    context: Context, principal: Principal, member: str, request: SellRequest
) -> dict[str, Any]:
    principal.require(Permission.SELL)
    units = None if request.points == "all" else parse_points(request.points, "points")

    def run(uow: UnitOfWork) -> dict[str, Any]:
        def produce() -> dict[str, Any]:
            _member_row(uow.connection, uow.tenant, member)
            entries = uow.apply(
                Sell(event_id("sell", request.id), member, request.pool, units, uow.now)
            )
            sale = entries[0]
            payout = sale.params["payout"]
            exits = [
                {
                    "member": e.params["member"],
                    "price": e.params["price"],
                    "payout": e.params["payout"],
                }
                for e in entries
                if e.kind == "exit"
            ]
            sold = format_minor(
                -sum(
                    a
                    for acc, _, a in sale.postings
                    if acc == accounts.holdings(member, request.pool)
                ),
                4,
            )
            audit_sale(uow, principal, member, request.id, request.pool, sold, payout)
            return {
                "id": request.id,
                "member": member,
                "pool": request.pool,
                "points": sold,
                "value": sale.params["value"],
                "payout": payout,
                "sell_fee": sale.params["sell_fee"],
                "exits": exits,
            }

        return once(uow, request.id, "sell", {"member": member, **canonical(request)}, produce)

    return command(context, principal, run)
