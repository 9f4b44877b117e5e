from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.distribution_config_binding import DistributionConfigBinding
from ..models.distribution_config_overflow import DistributionConfigOverflow
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.agents_config import AgentsConfig
    from ..models.commission_config import CommissionConfig
    from ..models.dividend_config import DividendConfig
    from ..models.limits_config import LimitsConfig
    from ..models.recruiter_config import RecruiterConfig
    from ..models.team_config import TeamConfig


T = TypeVar("T", bound="DistributionConfig")


@_attrs_define
class DistributionConfig:
    """Distribution (spec 02). Every part is optional: a missing part pays nothing.

    Attributes:
        binding (DistributionConfigBinding | Unset):  Default: DistributionConfigBinding.FIRST_ORDER.
        overflow (DistributionConfigOverflow | Unset):  Default: DistributionConfigOverflow.CUT.
        commission (CommissionConfig | None | Unset):
        recruiter (None | RecruiterConfig | Unset):
        agents (AgentsConfig | None | Unset):
        team (None | TeamConfig | Unset):
        dividends (list[DividendConfig] | Unset):
        limits (LimitsConfig | Unset): Anti-abuse settings the service applies when members register and order.
    """

    binding: DistributionConfigBinding | Unset = DistributionConfigBinding.FIRST_ORDER
    overflow: DistributionConfigOverflow | Unset = DistributionConfigOverflow.CUT
    commission: CommissionConfig | None | Unset = UNSET
    recruiter: None | RecruiterConfig | Unset = UNSET
    agents: AgentsConfig | None | Unset = UNSET
    team: None | TeamConfig | Unset = UNSET
    dividends: list[DividendConfig] | Unset = UNSET
    limits: LimitsConfig | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.agents_config import AgentsConfig  # noqa: PLC0415
        from ..models.commission_config import CommissionConfig  # noqa: PLC0415
        from ..models.recruiter_config import RecruiterConfig  # noqa: PLC0415
        from ..models.team_config import TeamConfig  # noqa: PLC0415

        binding: str | Unset = UNSET
        if not isinstance(self.binding, Unset):
            binding = self.binding.value

        overflow: str | Unset = UNSET
        if not isinstance(self.overflow, Unset):
            overflow = self.overflow.value

        commission: dict[str, Any] | None | Unset
        if isinstance(self.commission, Unset):
            commission = UNSET
        elif isinstance(self.commission, CommissionConfig):
            commission = self.commission.to_dict()
        else:
            commission = self.commission

        recruiter: dict[str, Any] | None | Unset
        if isinstance(self.recruiter, Unset):
            recruiter = UNSET
        elif isinstance(self.recruiter, RecruiterConfig):
            recruiter = self.recruiter.to_dict()
        else:
            recruiter = self.recruiter

        agents: dict[str, Any] | None | Unset
        if isinstance(self.agents, Unset):
            agents = UNSET
        elif isinstance(self.agents, AgentsConfig):
            agents = self.agents.to_dict()
        else:
            agents = self.agents

        team: dict[str, Any] | None | Unset
        if isinstance(self.team, Unset):
            team = UNSET
        elif isinstance(self.team, TeamConfig):
            team = self.team.to_dict()
        else:
            team = self.team

        dividends: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.dividends, Unset):
            dividends = []
            for dividends_item_data in self.dividends:
                dividends_item = dividends_item_data.to_dict()
                dividends.append(dividends_item)

        limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.limits, Unset):
            limits = self.limits.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if binding is not UNSET:
            field_dict["binding"] = binding
        if overflow is not UNSET:
            field_dict["overflow"] = overflow
        if commission is not UNSET:
            field_dict["commission"] = commission
        if recruiter is not UNSET:
            field_dict["recruiter"] = recruiter
        if agents is not UNSET:
            field_dict["agents"] = agents
        if team is not UNSET:
            field_dict["team"] = team
        if dividends is not UNSET:
            field_dict["dividends"] = dividends
        if limits is not UNSET:
            field_dict["limits"] = limits

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agents_config import AgentsConfig  # noqa: PLC0415
        from ..models.commission_config import CommissionConfig  # noqa: PLC0415
        from ..models.dividend_config import DividendConfig  # noqa: PLC0415
        from ..models.limits_config import LimitsConfig  # noqa: PLC0415
        from ..models.recruiter_config import RecruiterConfig  # noqa: PLC0415
        from ..models.team_config import TeamConfig  # noqa: PLC0415

        d = dict(src_dict)
        _binding = d.pop("binding", UNSET)
        binding: DistributionConfigBinding | Unset
        if isinstance(_binding, Unset):
            binding = UNSET
        else:
            binding = DistributionConfigBinding(_binding)

        _overflow = d.pop("overflow", UNSET)
        overflow: DistributionConfigOverflow | Unset
        if isinstance(_overflow, Unset):
            overflow = UNSET
        else:
            overflow = DistributionConfigOverflow(_overflow)

        def _parse_commission(data: object) -> CommissionConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                commission_type_0 = CommissionConfig.from_dict(data)

                return commission_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CommissionConfig | None | Unset, data)

        commission = _parse_commission(d.pop("commission", UNSET))

        def _parse_recruiter(data: object) -> None | RecruiterConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recruiter_type_0 = RecruiterConfig.from_dict(data)

                return recruiter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RecruiterConfig | Unset, data)

        recruiter = _parse_recruiter(d.pop("recruiter", UNSET))

        def _parse_agents(data: object) -> AgentsConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                agents_type_0 = AgentsConfig.from_dict(data)

                return agents_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AgentsConfig | None | Unset, data)

        agents = _parse_agents(d.pop("agents", UNSET))

        def _parse_team(data: object) -> None | TeamConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                team_type_0 = TeamConfig.from_dict(data)

                return team_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TeamConfig | Unset, data)

        team = _parse_team(d.pop("team", UNSET))

        _dividends = d.pop("dividends", UNSET)
        dividends: list[DividendConfig] | Unset = UNSET
        if _dividends is not UNSET:
            dividends = []
            for dividends_item_data in _dividends:
                dividends_item = DividendConfig.from_dict(dividends_item_data)

                dividends.append(dividends_item)

        _limits = d.pop("limits", UNSET)
        limits: LimitsConfig | Unset
        if isinstance(_limits, Unset):
            limits = UNSET
        else:
            limits = LimitsConfig.from_dict(_limits)

        distribution_config = cls(
            binding=binding,
            overflow=overflow,
            commission=commission,
            recruiter=recruiter,
            agents=agents,
            team=team,
            dividends=dividends,
            limits=limits,
        )

        return distribution_config
