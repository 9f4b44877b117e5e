"""Distribution in the service: settings, regional agents, a member's network and the
rewards they earned (and why), and the dividend runs of the daily job.

Settings, agents and dividends go through the engine (`ConfigureDistribution`,
`GrantAgent`, `PayDividend` events), so they are in the event log and a replay repeats
them; every operator change is in the audit log too.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import (
    ConfigureDistribution,
    ConvertContribution,
    GrantAgent,
    PayDividend,
    event_id,
)
from zengzhi.core.ledger import EntryKind
from zengzhi.engine.config import DistributionConfig
from zengzhi.engine.fields import Exact, Id, Note, Shown, canonical
from zengzhi.engine.lines import yuan
from zengzhi.rules.distribution import (
    AGENT_LEVELS,
    REGION_LEVELS,
    dividend_period,
    dividend_run_id,
)
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import Context, applied_once, command, once, query, tenant_today
from zengzhi.service.queries.distribution import (
    Network,
    RewardView,
    member_rewards,
    network_page,
)
from zengzhi.service.tenants import load_settings, require_money_control
from zengzhi.store.event_log import EventLog
from zengzhi.store.network import AgentRow, Agents
from zengzhi.store.uow import UnitOfWork

log = logging.getLogger("zengzhi.jobs")


def get_settings(context: Context, principal: Principal) -> DistributionConfig | None:
    principal.require(Permission.READ)
    return query(context, lambda c: load_settings(c, principal.tenant).distribution)


def put_settings(
    context: Context, principal: Principal, settings: DistributionConfig
) -> DistributionConfig:
    """New settings from now on; levels are recomputed for every member at once. A change
    that weakens a control on money needs the owner (see `weakened`)."""
    principal.require(Permission.CONFIGURE)
    settings.params()  # refuse bad settings, naming the field, before anything else
    data = settings.model_dump(mode="json", exclude_none=True)

    def run(uow: UnitOfWork) -> DistributionConfig:
        before = load_settings(uow.connection, uow.tenant, lock=True).distribution
        require_money_control(principal, weakened(before or DistributionConfig(), settings))
        uow.apply(ConfigureDistribution(event_id("distribution", uuid.uuid4().hex), data, uow.now))
        uow.audit(
            principal.actor,
            "distribution.configure",
            "distribution",
            before=before.model_dump(mode="json", exclude_none=True) if before else None,
            after=data,
        )
        return settings

    return command(context, principal, run)


def weakened(before: DistributionConfig, after: DistributionConfig) -> str | None:
    """The first control on money that `after` weakens (a field), if any: an anti-abuse
    limit loosened or dropped, the platform paying what an order's budget cannot, more
    than 3 commission levels allowed."""
    was, now = before.limits, after.limits
    if was.orders_per_day is not None and (
        now.orders_per_day is None or now.orders_per_day > was.orders_per_day
    ):
        return "distribution.limits.orders_per_day"
    if was.total_spend is not None and (
        now.total_spend is None or Yuan(now.total_spend).minor > Yuan(was.total_spend).minor
    ):
        return "distribution.limits.total_spend"
    if was.one_account_per_phone and not now.one_account_per_phone:
        return "distribution.limits.one_account_per_phone"
    if before.overflow == "cut" and after.overflow != "cut":
        return "distribution.overflow"
    deep_before = before.commission is not None and before.commission.allow_deep
    if after.commission is not None and after.commission.allow_deep and not deep_before:
        return "distribution.commission.allow_deep"
    return None


# ---------------------------------------------------------------------------- agents


class NewAgent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the sale's own id: a repeat applies once")
    member: Id
    # a name people read and matched by its text: visible (a zero-width space made a
    # region shown as 广东/深圳 that no order there matched)
    region: Shown = Field(min_length=1, description='"province/city/district", or an area')
    level: str = Field(pattern="^(" + "|".join(AGENT_LEVELS) + ")$")
    fee: Exact = "0"


class AgentView(BaseModel):
    region: str
    level: str
    member: str
    fee: str
    granted_at: datetime


def _agent_view(row: AgentRow) -> AgentView:
    return AgentView(
        region=row.region,
        level=row.level,
        member=row.member_id,
        fee=format_minor(row.fee, 2),
        granted_at=row.granted_at,
    )


def check_agent_region(region: str, level: str) -> None:
    """Refuse a region that no order's region can ever name at `level`: an order in
    "广东/深圳/南山" pays the city agent of "广东/深圳" exactly (rules/distribution
    `region_keys`), so rights sold for "广东/深圳/" or for "广东" as a city would be a fee
    for nothing. (An area is named freely: the settings' areas say which provinces.)"""
    if level not in REGION_LEVELS:
        return
    parts = region.split("/")
    if any(not part for part in parts):
        raise invalid("region", 'must be names between single "/", none empty')
    depth = REGION_LEVELS.index(level) + 1
    if len(parts) != depth:
        shape = "/".join(REGION_LEVELS[:depth])
        raise invalid("region", f"a {level} is {depth} names from the province down ({shape})")


def grant_agent(context: Context, principal: Principal, request: NewAgent) -> AgentView:
    """Record a sale of agent rights: a payment to the platform, one agent a region and
    level. It books money and directs future rewards: finance's (or the owner's)."""
    principal.require(Permission.AGENTS)
    fee = yuan(request.fee, "fee")
    check_agent_region(request.region, request.level)

    def run(uow: UnitOfWork) -> AgentView:
        agents = Agents(uow.connection, uow.tenant)

        def produce() -> dict[str, Any]:
            found = agents.get(request.region, request.level)
            if found is not None and (found.member_id, found.fee) == (request.member, fee):
                # another sale's id for rights already sold: answered as a success, the
                # second payment would be in no ledger (a repeat keeps its first id)
                raise DomainError(
                    ErrorCode.CONFLICT,
                    f"{request.member!r} holds the {request.level} rights to"
                    f" {request.region!r} already: nothing was booked for this sale",
                    "region",
                )
            uow.apply(
                GrantAgent(
                    event_id("agent", request.id),
                    request.member,
                    request.region,
                    request.level,
                    fee,
                    uow.now,
                )
            )
            uow.audit(
                principal.actor,
                "agent.grant",
                f"agent:{request.level}:{request.region}",
                after={"member": request.member, "fee": format_minor(fee, 2)},
            )
            granted = agents.get(request.region, request.level)
            assert granted is not None  # the event just granted it
            view = _agent_view(granted)
            return view.model_dump(mode="json")

        # the sale's id names its event: the id again for another sale is a conflict
        ident = event_id("agent", request.id)
        return AgentView.model_validate(once(uow, ident, "agent", canonical(request), produce))

    return command(context, principal, run)


def list_agents(context: Context, principal: Principal, limit: int) -> list[AgentView]:
    principal.require(Permission.READ)
    return query(
        context,
        lambda c: [_agent_view(row) for row in Agents(c, principal.tenant).listed(limit)],
    )


# ---------------------------------------------------------------------------- network


def network(
    context: Context, principal: Principal, member: str, limit: int, after: str | None
) -> Network:
    """A member's place in the referral tree: uplines, and direct referees a page at a
    time (the console walks the tree by following them)."""
    principal.require(Permission.READ)
    return query(
        context, lambda connection: network_page(connection, principal.tenant, member, limit, after)
    )


def rewards(
    context: Context, principal: Principal, member: str, limit: int, before: int | None
) -> list[RewardView]:
    """What a member earned and why: each reward with its order, kind, rate and base."""
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: member_rewards(connection, principal.tenant, member, limit, before),
    )


# ---------------------------------------------------------------------------- conversion


class Conversion(BaseModel):
    """The operator converts contribution balances (贡献分) at a stated rate."""

    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the conversion's own id: a repeat applies once")
    into: Literal["cash", "shares", "points"]
    rate: Exact = Field(description="yuan a yuan (cash, points) or shares a yuan (shares)")
    reason: Note = Field(min_length=1)
    members: list[Id] = Field(default_factory=list, max_length=10_000, description="[]: all")
    pool: Id | None = Field(default=None, description="into points: the pool that mints")


class Converted(BaseModel):
    member: str
    balance: str  # the contribution balance retired
    into: str
    paid: str | None = None  # cash
    shares: str | None = None
    points: str | None = None


def convert_contributions(
    context: Context, principal: Principal, request: Conversion
) -> list[Converted]:
    """Retire contribution balances into cash, shares or points (seed 002 三.2): money
    leaves the contribution reserve, so finance (or the owner) does it, with a reason."""
    return convert_contributions_once(context, principal, request)[0]


def convert_contributions_once(
    context: Context, principal: Principal, request: Conversion
) -> tuple[list[Converted], bool]:
    """`convert_contributions`, and whether it was done now (False: a repeat)."""
    principal.require(Permission.SUBSIDIZE)
    ident = event_id("conversion", request.id)

    def run(uow: UnitOfWork) -> tuple[list[Converted], bool]:
        def produce() -> dict[str, Any]:
            entries = uow.apply(
                ConvertContribution(
                    ident,
                    request.into,
                    request.rate,
                    request.reason,
                    tuple(request.members),
                    request.pool,
                    uow.now,
                )
            ).entries
            uow.audit(
                principal.actor,
                "contribution.convert",
                "contribution",
                after=request.model_dump(mode="json", exclude={"reason"}),
                reason=request.reason,
            )
            done = [
                Converted(
                    member=one.params["member"],
                    balance=one.params["balance"],
                    into=one.params["into"],
                    paid=one.params.get("paid"),
                    shares=one.params.get("shares"),
                    points=one.params.get("points"),
                )
                for one in entries
                if one.kind == EntryKind.CONVERSION
            ]
            return {"converted": [one.model_dump(mode="json") for one in done]}

        # A repeat answers what the first did; the same id for another rate, target or
        # set of members is a conflict (answering the first would hide that it was not done).
        response, now = applied_once(uow, ident, "conversion", canonical(request), produce)
        return [Converted.model_validate(one) for one in response["converted"]], now

    return command(context, principal, run)


# ---------------------------------------------------------------------------- dividends


def run_dividends(context: Context, tenant: str) -> tuple[list[str], list[str]]:
    """Pay each dividend plan for its last finished period, once: the run is an event
    whose id names the plan and the period, and the event log's ids are unique. The
    runs paid, and those refused (each is tried again at the next tick)."""
    today = tenant_today(context, tenant)
    settings = query(context, lambda c: load_settings(c, tenant).distribution)
    if settings is None:
        return [], []
    system = Principal(tenant, "system:jobs", Role.OWNER)
    done: list[str] = []
    refused: list[str] = []
    for plan in settings.dividends:
        start, end = dividend_period(plan.schedule, today)
        run_id = dividend_run_id(plan.name, start)

        def run(
            uow: UnitOfWork,
            plan_name: str = plan.name,
            start: date = start,
            end: date = end,
            run_id: str = run_id,
        ) -> bool:
            if EventLog(uow.connection, uow.tenant).has(run_id):
                return False
            uow.apply(PayDividend(run_id, plan_name, start, end, uow.now))
            return True

        try:
            if command(context, system, run):
                done.append(run_id)
        except DomainError as error:  # one plan's failure must not stop the others
            log.warning("tenant %s: dividend %s not paid: %s", tenant, run_id, error)
            refused.append(run_id)
    return done, refused
