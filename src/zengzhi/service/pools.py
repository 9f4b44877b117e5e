"""Pools: opening and configuring them, pausing issuance, subsidies. What the API and
the console read of them (state, price history, solvency) is `service/queries/pools.py`.

Pool parameters change through the engine (`OpenPool`, `Configure`), so they are in the
event log and a replay repeats them; every change is also in the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import Configure, ImportBalance, OpenPool, Subsidy, event_id
from zengzhi.engine.fields import Exact, Flag, Id, Note, canonical, checked_note
from zengzhi.engine.lines import yuan
from zengzhi.rules.pool import (
    Exit,
    PoolParams,
    PoolState,
    balance_and_points,
    canonical_params,
)
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, applied_once, command, not_found, query
from zengzhi.service.queries import pools as reads
from zengzhi.service.queries.pools import PoolView, PricePoint, Solvency, pool_view
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.wanted import Wanted


class PoolParamsIn(BaseModel):
    """Any of a pool's parameters, as decimal text (see docs/model.md)."""

    model_config = ConfigDict(extra="forbid")

    mint_ratio: Exact | None = None
    sell_fee: Exact | None = None
    exit_multiple: Exact | None = None
    opening_price: Exact | None = None
    minting_enabled: Flag | None = None
    min_sell_points: Exact | None = None
    no_exit: Flag = Field(default=False, description="true turns the forced exit off")

    def changes(self) -> dict[str, object]:
        """The parameters given, checked, each in one spelling (as the event keeps them)."""
        given: dict[str, object] = {
            k: v
            for k, v in self.model_dump(
                include=set(PoolParamsIn.model_fields) - {"no_exit"}
            ).items()
            if v is not None
        }
        if self.no_exit:
            given["exit_multiple"] = None
        return canonical_params(given)


class NewPool(PoolParamsIn):
    id: Id


def exits_view(exits: Sequence[Exit]) -> list[dict[str, str]]:
    """The forced exits a command brought, as its answer lists them."""
    return [
        {"member": one.member, "price": str(one.price), "payout": format_minor(one.payout, 2)}
        for one in exits
    ]


def state_view(pool: PoolState, uow: UnitOfWork) -> PoolView:
    return pool_view(pool.id, pool.params, pool.last_price, *balance_and_points(pool, uow.ledger))


def _pool(uow: UnitOfWork, pool_id: str) -> PoolState:
    found = uow.pools.get(pool_id)
    if found is None:
        raise not_found("pool", pool_id, "pool")
    return found


def open_pool(context: Context, principal: Principal, request: NewPool) -> PoolView:
    principal.require(Permission.CONFIGURE)
    changes = request.changes()
    PoolParams().with_changes(changes)  # refuse bad parameters before anything else

    def run(uow: UnitOfWork) -> PoolView:
        if uow.pools.get(request.id) is not None:
            raise DomainError(ErrorCode.CONFLICT, f"pool {request.id!r} exists", "id")
        uow.apply(OpenPool(event_id("open_pool", request.id), request.id, changes, uow.now))
        pool = _pool(uow, request.id)
        uow.audit(principal.actor, "pool.open", f"pool:{request.id}", after=pool.params.as_text())
        return state_view(pool, uow)

    return command(context, principal, run)


def configure_pool(
    context: Context,
    principal: Principal,
    pool_id: str,
    request: PoolParamsIn,
    action: str = "pool.configure",
    reason: str | None = None,
) -> PoolView:
    principal.require(Permission.CONFIGURE)
    run = _configuration(principal, pool_id, request, action, reason)
    # in the tenant's line with its orders: a change lands between two of them, as in a
    # replay of the log, however many share its transaction (service/sequencer.py); its
    # pool is locked with the group's others, before any command of it locks a zone or a
    # balance (docs/service.md, "Lock order")
    return command(context, principal, run, grouped=True, wants=Wanted.of(pools=(pool_id,)))


def _configuration(
    principal: Principal,
    pool_id: str,
    request: PoolParamsIn,
    action: str = "pool.configure",
    reason: str | None = None,
) -> Callable[[UnitOfWork], PoolView]:
    """The command that applies `request` to the pool (configure_pool's)."""
    changes = request.changes()
    if not changes:
        raise DomainError(ErrorCode.INVALID, "names no parameter to change", "body")
    if reason is not None:  # a pause's, as the console's form sent it
        reason = checked_note(reason)

    def run(uow: UnitOfWork) -> PoolView:
        pool = _pool(uow, pool_id)
        before = pool.params.as_text()
        uow.apply(Configure(event_id("configure", uuid.uuid4().hex), pool_id, changes, uow.now))
        uow.audit(
            principal.actor,
            action,
            f"pool:{pool_id}",
            before=before,
            after=pool.params.as_text(),
            reason=reason,
        )
        return state_view(pool, uow)

    return run


def pause(
    context: Context, principal: Principal, pool_id: str, paused: bool, reason: str | None
) -> PoolView:
    """Stop (or restart) minting: contributions keep flowing into the pool (spec 03 H)."""
    return pause_once(context, principal, pool_id, paused, reason)[0]


def pause_once(
    context: Context, principal: Principal, pool_id: str, paused: bool, reason: str | None
) -> tuple[PoolView, bool]:
    """`pause`, and whether it was done now: a pool already paused (or running) is
    answered as it is, nothing applied nor audited. Read under the pool's lock, in the
    command, so that two operators pausing at once pause it once and the second is told
    (the console read the pool first, then paused: both were done and audited)."""
    principal.require(Permission.CONFIGURE)
    configure = _configuration(
        principal,
        pool_id,
        PoolParamsIn(minting_enabled=not paused),
        "pool.pause" if paused else "pool.resume",
        reason,
    )

    def run(uow: UnitOfWork) -> tuple[PoolView, bool]:
        pool = _pool(uow, pool_id)
        if pool.params.minting_enabled != paused:  # already as asked
            return state_view(pool, uow), False
        return configure(uow), True

    return command(context, principal, run, grouped=True, wants=Wanted.of(pools=(pool_id,)))


class SubsidyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the request's own id: a repeat applies once")
    amount: Exact
    reason: Note | None = None


def subsidize(
    context: Context, principal: Principal, pool_id: str, request: SubsidyRequest
) -> dict[str, Any]:
    """Operator money into a pool: the price rises, and exits may follow."""
    return subsidize_once(context, principal, pool_id, request)[0]


def subsidize_once(
    context: Context, principal: Principal, pool_id: str, request: SubsidyRequest
) -> tuple[dict[str, Any], bool]:
    """`subsidize`, and whether it was applied now (False: a repeat of the request, which
    answers what the first did and adds nothing)."""
    principal.require(Permission.SUBSIDIZE)
    amount = yuan(request.amount, "amount", positive=True)

    def run(uow: UnitOfWork) -> tuple[dict[str, Any], bool]:
        def produce() -> dict[str, Any]:
            pool = _pool(uow, pool_id)
            outcome = uow.apply(Subsidy(event_id("subsidy", request.id), pool_id, amount, uow.now))
            uow.audit(
                principal.actor,
                "pool.subsidy",
                f"pool:{pool_id}",
                after={"amount": format_minor(amount, 2)},
                reason=request.reason,
            )
            return {
                "id": request.id,
                "pool": state_view(pool, uow).model_dump(),
                "amount": format_minor(amount, 2),
                "exits": exits_view(outcome.exits),
            }

        body = {"pool": pool_id, **canonical(request)}
        return applied_once(uow, request.id, "subsidy", body, produce)

    return command(context, principal, run)


class ImportRequest(BaseModel):
    """A member's balance from the platform's old system (spec 01, legacy balances)."""

    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the request's own id: a repeat applies once")
    member: Id
    principal: Exact = Field(description="what the platform owes the member, yuan")
    contribution: Exact = Field(description="what the operator funds into the pool, yuan")
    reason: Note | None = None


def import_balance(
    context: Context, principal: Principal, pool_id: str, request: ImportRequest
) -> tuple[dict[str, Any], bool]:
    """A member's old balance becomes a position: `principal` staked, points minted at
    the pool's price against `contribution`, which the platform funds (as a subsidy is
    funded: finance's or the owner's act). Idempotent by the request's id; recorded in
    the event log and the audit log. Returns the answer and whether it is new."""
    principal.require(Permission.SUBSIDIZE)
    owed = yuan(request.principal, "principal")
    funded = yuan(request.contribution, "contribution", positive=True)

    def run(uow: UnitOfWork) -> tuple[dict[str, Any], bool]:
        def produce() -> dict[str, Any]:
            pool = _pool(uow, pool_id)
            if request.member not in uow.state.members:
                raise not_found("member", request.member, "member")
            event = ImportBalance(
                event_id("import", request.id), request.member, pool_id, owed, funded, uow.now
            )
            outcome = uow.apply(event)
            minted = sum(one.points for one in outcome.minted)
            uow.audit(
                principal.actor,
                "pool.import",
                f"member:{request.member}",
                after={
                    "pool": pool_id,
                    "principal": format_minor(owed, 2),
                    "contribution": format_minor(funded, 2),
                    "points": format_minor(minted, 4),
                },
                reason=request.reason,
            )
            return {
                "id": request.id,
                "member": request.member,
                "principal": format_minor(owed, 2),
                "contribution": format_minor(funded, 2),
                "points": format_minor(minted, 4),
                "pool": state_view(pool, uow).model_dump(),
                "exits": exits_view(outcome.exits),
            }

        body = {"pool": pool_id, **canonical(request)}
        return applied_once(uow, request.id, "import", body, produce)

    return command(context, principal, run)


def list_pools(context: Context, principal: Principal) -> list[PoolView]:
    principal.require(Permission.READ)
    return query(context, lambda connection: reads.pool_list(connection, principal.tenant))


def get_pool(context: Context, principal: Principal, pool_id: str) -> PoolView:
    principal.require(Permission.READ)
    return query(context, lambda connection: reads.load_pool(connection, principal.tenant, pool_id))


def price_history(
    context: Context, principal: Principal, pool_id: str, limit: int, before: int | None
) -> list[PricePoint]:
    """The pool after each event that changed it, newest first."""
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: reads.price_points(connection, principal.tenant, pool_id, limit, before),
    )


def solvency(context: Context, principal: Principal) -> Solvency:
    """Spec 04's report (`queries.pools.solvency_report`)."""
    principal.require(Permission.READ)
    return query(context, lambda connection: reads.solvency_report(connection, principal.tenant))
