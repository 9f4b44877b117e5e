"""Distribution settings and regional agents."""

from __future__ import annotations

from fastapi import APIRouter

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import ContextDep, Limit, PrincipalDep, needs
from zengzhi.engine.config import DistributionConfig
from zengzhi.service import distribution
from zengzhi.service.auth import Permission
from zengzhi.service.distribution import AgentView, Conversion, Converted, NewAgent

router = APIRouter(prefix="/v1", tags=["distribution"], route_class=StrictJSONRoute)


@router.get("/distribution", response_model=DistributionConfig | None)
def get_settings(context: ContextDep, principal: PrincipalDep) -> DistributionConfig | None:
    """The distribution settings in force (null: distribution is off)."""
    return distribution.get_settings(context, principal)


@router.put(
    "/distribution", response_model=DistributionConfig, dependencies=[needs(Permission.CONFIGURE)]
)
def put_settings(
    context: ContextDep, principal: PrincipalDep, body: DistributionConfig
) -> DistributionConfig:
    """New settings from now on: binding policy, commission, recruiter, agents, team levels,
    dividends, anti-abuse limits. More than 3 commission levels needs `allow_deep`."""
    return distribution.put_settings(context, principal, body)


@router.post(
    "/agents", status_code=201, response_model=AgentView, dependencies=[needs(Permission.AGENTS)]
)
def grant_agent(context: ContextDep, principal: PrincipalDep, body: NewAgent) -> AgentView:
    """Record the sale of a region's agent rights (one agent a region and level)."""
    return distribution.grant_agent(context, principal, body)


@router.get("/agents", response_model=list[AgentView])
def list_agents(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 200
) -> list[AgentView]:
    return distribution.list_agents(context, principal, limit)


@router.post(
    "/contribution/conversions",
    response_model=list[Converted],
    dependencies=[needs(Permission.SUBSIDIZE)],
)
def convert_contributions(
    context: ContextDep, principal: PrincipalDep, body: Conversion
) -> list[Converted]:
    """Convert contribution balances (贡献分) into cash, shares or points at a stated
    rate, with a reason (audited); `members` empty: every holder. A repeat of the same
    id applies once and answers what it did."""
    return distribution.convert_contributions(context, principal, body)
