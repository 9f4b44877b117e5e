"""Members: registration, lookup and search, their positions, and selling points."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import Bind, Join, Reassign, ReassignReferees, Sell, event_id
from zengzhi.engine.config import LimitsConfig
from zengzhi.engine.fields import Exact, ExactOrAll, Flag, Id, Note, Region, Shown, canonical
from zengzhi.engine.lines import points as parse_points
from zengzhi.engine.lines import yuan
from zengzhi.rules.pool import DEFAULT_POOL, Sale
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command, found, once, query
from zengzhi.service.pools import exits_view
from zengzhi.service.queries.members import (
    MemberView,
    PositionView,
    member_detail,
    member_page,
    member_view,
    open_positions,
    paid_by_pool,
)
from zengzhi.service.tenants import command_settings
from zengzhi.store import security
from zengzhi.store.database import LostRace
from zengzhi.store.members import MemberRow, Stores
from zengzhi.store.uow import UnitOfWork


def _dialled(value: str | None) -> str | None:
    """A phone holds digits to dial: "- - -" was taken, and kept as a key of none."""
    if value and sum(character.isdigit() for character in value) < 3:
        raise ValueError("must hold at least 3 digits")
    return value


Phone = Annotated[
    str, Field(max_length=32, pattern=r"^\+?[0-9 -]{3,32}$"), AfterValidator(_dialled)
]


class NewMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    store: Id | None = None  # arrived through a store's code: bound to its owner
    phone: Phone | None = None
    name: Shown | None = None
    referrer: Id | None = None
    region: Region | None = None
    real_name_verified: Flag = False

    @field_validator("name", "region")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None  # as a change's empty name or region removes it


class MemberChange(BaseModel):
    """What changes; a field left out (or null) stays as it is, and an empty phone, name
    or region removes it."""

    model_config = ConfigDict(extra="forbid")

    phone: (
        Annotated[
            str,
            Field(max_length=32, pattern=r"^(?:\+?[0-9 -]{3,32})?$"),
            AfterValidator(_dialled),
        ]
        | None
    ) = None
    name: Shown | None = None
    region: Region | None = None
    real_name_verified: Flag | None = None


def _member(uow: UnitOfWork, member: str, lock: bool = False) -> MemberRow:
    return found(uow.members.get(member, lock), "member", member)


def _store_binding(uow: UnitOfWork, store: str) -> tuple[str, str | None]:
    """(the owner a store's code binds to, the store's recruiter)."""
    row = found(Stores(uow.connection, uow.tenant).owner(store), "store", store)
    if row.owner is None:
        raise DomainError(ErrorCode.INVALID, f"store {store!r} has no owner to bind to", "store")
    return row.owner, row.recruiter


def _limits(uow: UnitOfWork) -> LimitsConfig:
    settings = command_settings(uow)
    return settings.distribution.limits if settings.distribution else LimitsConfig()


_PHONE_TAKEN = "this phone number has an account already"


def _claim_phone(uow: UnitOfWork, phone: str, member: str) -> None:
    """One account per phone: the phone's key is claimed in the database (two
    registrations at once: one gets it, the other waits and is refused), and a member
    registered with the same number before the limit was on counts too."""
    earlier = uow.members.with_phone(phone, other_than=member)
    if (
        earlier is not None
        or security.claim_phone(uow.connection, uow.tenant, phone, member) != member
    ):
        raise DomainError(ErrorCode.CONFLICT, _PHONE_TAKEN, "phone")


_WHO_VERIFIES = (
    "a verified real name lets the member's withdrawals be paid: it is vouched for by a"
    " role that may withdraw for the member (the owner, the integrator's key)"
)


def _may_verify(principal: Principal) -> None:
    """Vouching for a real name opens the member's payouts (withdrawals.require_real_name),
    as a payee does (service/payees.py): support, who edits members, may not; clearing
    it tightens, and anyone who edits members may."""
    principal.require(Permission.WITHDRAW, "real_name_verified", _WHO_VERIFIES)


def create_member(context: Context, principal: Principal, request: NewMember) -> MemberView:
    """Register a member, bound to a referrer (a link) or to a store's owner (its code)."""
    principal.require(Permission.MEMBERS)
    if request.real_name_verified:
        _may_verify(principal)
    if request.referrer is not None and request.store is not None:
        raise DomainError(ErrorCode.INVALID, "give a referrer or a store, not both", "store")

    def run(uow: UnitOfWork) -> MemberView:
        referrer, sponsor = (
            _store_binding(uow, request.store) if request.store else (request.referrer, None)
        )
        before = uow.members.get(request.id)
        if before is not None:
            same = (before.phone, before.name, before.referrer, before.region) == (
                request.phone,
                request.name,
                referrer,
                request.region,
            )
            if same:
                return member_view(before)  # the same registration again: applied once
            raise DomainError(ErrorCode.CONFLICT, f"member {request.id!r} exists", "id")
        if request.phone and _limits(uow).one_account_per_phone:
            _claim_phone(uow, request.phone, request.id)
        try:
            uow.apply(Join(event_id("join", request.id), request.id, referrer, uow.now, sponsor))
        except DomainError as refused:
            if uow.members.get(request.id) is not None:  # its twin committed since: again
                raise LostRace(request.id) from refused
            raise
        uow.audit(
            principal.actor,
            "member.create",
            f"member:{request.id}",
            after={"referrer": referrer, "store": request.store, "region": request.region},
        )
        uow.members.change(
            request.id,
            phone=request.phone,
            name=request.name,
            region=request.region,
            real_name_verified=request.real_name_verified,
        )
        return member_view(_member(uow, request.id))

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
        referrer, sponsor = (
            _store_binding(uow, request.store) if request.store else (request.referrer, None)
        )
        assert referrer is not None
        uow.apply(
            Bind(event_id("bind", f"{member}:{referrer}"), member, referrer, uow.now, sponsor)
        )
        uow.audit(
            principal.actor,
            "member.bind",
            f"member:{member}",
            before={"referrer": None},
            after={"referrer": referrer, "store": request.store},
        )
        return member_view(_member(uow, member))

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
        uow.state.network.lock_links()  # before the member's row: see reassign_referees
        before = _member(uow, member, lock=True)
        if before.referrer == request.referrer:  # sent again: nothing changes, nothing to record
            return member_view(before)
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
        return member_view(_member(uow, member))

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
        # the network's lock first, as a binding takes it before the members' rows it
        # writes (the referrer's team): the other way round, a binding to `member` at
        # this moment and the move deadlocked (a second's wait for PostgreSQL to see it)
        uow.state.network.lock_links()
        _member(uow, member, lock=True)
        moving = [one for one in uow.state.network.referees(member) if one != request.referrer]
        if not moving:  # sent again, or nobody left to move: nothing changes, nothing to record
            found(uow.members.get(request.referrer), "member", request.referrer, "referrer")
            return RefereesMoved(member=member, referrer=request.referrer, moved=[])
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
        before = _member(uow, member, lock=True)
        if change.real_name_verified and not before.real_name_verified:
            _may_verify(principal)
        values = {  # an empty text removes it (kept as NULL); what is already so is no change
            name: value if value != "" else None
            for name, value in change.model_dump(exclude_none=True).items()
            if (value if value != "" else None) != getattr(before, name)
        }
        if "phone" in values:
            security.release_phone(uow.connection, uow.tenant, member)
            if values["phone"] is not None and _limits(uow).one_account_per_phone:
                _claim_phone(uow, values["phone"], member)
        if values:
            uow.members.change(member, **values)
            uow.audit(
                principal.actor,
                "member.change",
                f"member:{member}",
                before={k: getattr(before, k) for k in values},
                after=values,
            )
        return member_view(_member(uow, member))

    return command(context, principal, run)


def get_member(context: Context, principal: Principal, member: str) -> MemberView:
    principal.require(Permission.READ)
    return query(context, lambda connection: member_detail(connection, principal.tenant, member))


def search_members(
    context: Context, principal: Principal, text: str | None, limit: int, after: str | None
) -> list[MemberView]:
    """Members by id order; `text` matches the start of an id or a phone number."""
    principal.require(Permission.READ)
    return query(
        context, lambda connection: member_page(connection, principal.tenant, text, limit, after)
    )


# ---------------------------------------------------------------------------- positions


def member_positions(context: Context, principal: Principal, member: str) -> list[PositionView]:
    principal.require(Permission.READ)
    return query(context, lambda connection: open_positions(connection, principal.tenant, member))


def member_paid_by_pool(context: Context, principal: Principal, member: str) -> dict[str, str]:
    """What each pool paid into the member's wallet (sales and exits, after the sell fee)
    and no reversal took back: the member page's figure, for the console."""
    principal.require(Permission.READ)
    return query(context, lambda connection: paid_by_pool(connection, principal.tenant, member))


# ---------------------------------------------------------------------------- selling


class SaleQuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pool: Id = DEFAULT_POOL
    points: ExactOrAll = Field(description='points to sell, or "all"')


class SellRequest(SaleQuoteRequest):
    id: Id = Field(description="the request's own id: a repeat applies once")
    min_payout: Exact | None = Field(
        default=None, description="refuse the sale if it would pay less (the quote's payout)"
    )


class SaleView(BaseModel):
    pool: str
    points: str
    price: str  # the price the sale was (or would be) made at
    value: str  # the points at that price
    fee: str  # what stays in the pool
    payout: str  # into the wallet


def sale_view(sale: Sale) -> SaleView:
    return SaleView(
        pool=sale.pool,
        points=format_minor(sale.points, 4),
        price=str(sale.price),
        value=format_minor(sale.value, 2),
        fee=format_minor(sale.value - sale.payout, 2),
        payout=format_minor(sale.payout, 2),
    )


def sale_units(text: str) -> int | None:
    return None if text == "all" else parse_points(text, "points")


def quote_sale(
    context: Context, principal: Principal, member: str, request: SaleQuoteRequest
) -> SaleView:
    """What selling would pay now: the sale itself, rolled back."""
    principal.require(Permission.SELL)
    units = sale_units(request.points)
    now = context.clock()

    def attempt() -> SaleView:
        with UnitOfWork(context.database, principal.tenant, now) as uow:
            _member(uow, member)
            outcome = uow.apply(Sell(event_id("sell", "quote"), member, request.pool, units, now))
            return sale_view(outcome.sales[0])
        # leaving the unit of work without commit rolls the sale back

    # run again, as a command is, when its refusal was decided on settings another
    # server had changed (`LostRace` on the way out): it was answered 500
    return context.database.retrying(attempt)


def floor_of(request: SellRequest) -> int | None:
    return None if request.min_payout is None else yuan(request.min_payout, "min_payout")


def refuse_below(sale: Sale, floor: int | None) -> None:
    """A sale that would pay less than the quote the member saw (`min_payout`): the pool's
    price or sell fee changed in between."""
    if floor is not None and sale.payout < floor:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"the sale would now pay {format_minor(sale.payout, 2)}, less than"
            f" {format_minor(floor, 2)}: ask for a new quote",
            "min_payout",
        )


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
    units = sale_units(request.points)
    floor = floor_of(request)

    def run(uow: UnitOfWork) -> dict[str, Any]:
        def produce() -> dict[str, Any]:
            _member(uow, member)
            outcome = uow.apply(
                Sell(event_id("sell", request.id), member, request.pool, units, uow.now)
            )
            (sale,) = outcome.sales
            refuse_below(sale, floor)
            payout = format_minor(sale.payout, 2)
            sold = format_minor(sale.points, 4)
            audit_sale(uow, principal, member, request.id, request.pool, sold, payout)
            return {
                "id": request.id,
                "member": member,
                "pool": request.pool,
                "points": sold,
                "value": format_minor(sale.value, 2),
                "payout": payout,
                "sell_fee": sale.sell_fee.text,
                "exits": exits_view(outcome.exits),
            }

        # without a floor, the body a sale had before `min_payout` was added: a request
        # from before, sent again, is answered its first answer (not "another request")
        body = {"member": member, **canonical(request, exclude_none=True)}
        return once(uow, request.id, "sell", body, produce)

    return command(context, principal, run)
