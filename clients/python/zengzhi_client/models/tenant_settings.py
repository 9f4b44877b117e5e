from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.distribution_config import DistributionConfig
    from ..models.member_page_settings import MemberPageSettings
    from ..models.withdrawal_settings import WithdrawalSettings


T = TypeVar("T", bound="TenantSettings")


@_attrs_define
class TenantSettings:
    """
    Attributes:
        timezone (str | Unset):  Default: 'Asia/Shanghai'.
        completion_delay_seconds (int | Unset):  Default: 0.
        withdrawals (WithdrawalSettings | Unset):
        member_page (MemberPageSettings | Unset):
        distribution (DistributionConfig | None | Unset):
    """

    timezone: str | Unset = "Asia/Shanghai"
    completion_delay_seconds: int | Unset = 0
    withdrawals: WithdrawalSettings | Unset = UNSET
    member_page: MemberPageSettings | Unset = UNSET
    distribution: DistributionConfig | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.distribution_config import DistributionConfig  # noqa: PLC0415

        timezone = self.timezone

        completion_delay_seconds = self.completion_delay_seconds

        withdrawals: dict[str, Any] | Unset = UNSET
        if not isinstance(self.withdrawals, Unset):
            withdrawals = self.withdrawals.to_dict()

        member_page: dict[str, Any] | Unset = UNSET
        if not isinstance(self.member_page, Unset):
            member_page = self.member_page.to_dict()

        distribution: dict[str, Any] | None | Unset
        if isinstance(self.distribution, Unset):
            distribution = UNSET
        elif isinstance(self.distribution, DistributionConfig):
            distribution = self.distribution.to_dict()
        else:
            distribution = self.distribution

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if completion_delay_seconds is not UNSET:
            field_dict["completion_delay_seconds"] = completion_delay_seconds
        if withdrawals is not UNSET:
            field_dict["withdrawals"] = withdrawals
        if member_page is not UNSET:
            field_dict["member_page"] = member_page
        if distribution is not UNSET:
            field_dict["distribution"] = distribution

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.distribution_config import DistributionConfig  # noqa: PLC0415
        from ..models.member_page_settings import MemberPageSettings  # noqa: PLC0415
        from ..models.withdrawal_settings import WithdrawalSettings  # noqa: PLC0415

        d = dict(src_dict)
        timezone = d.pop("timezone", UNSET)

        completion_delay_seconds = d.pop("completion_delay_seconds", UNSET)

        _withdrawals = d.pop("withdrawals", UNSET)
        withdrawals: WithdrawalSettings | Unset
        if isinstance(_withdrawals, Unset):
            withdrawals = UNSET
        else:
            withdrawals = WithdrawalSettings.from_dict(_withdrawals)

        _member_page = d.pop("member_page", UNSET)
        member_page: MemberPageSettings | Unset
        if isinstance(_member_page, Unset):
            member_page = UNSET
        else:
            member_page = MemberPageSettings.from_dict(_member_page)

        def _parse_distribution(data: object) -> DistributionConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                distribution_type_0 = DistributionConfig.from_dict(data)

                return distribution_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DistributionConfig | None | Unset, data)

        distribution = _parse_distribution(d.pop("distribution", UNSET))

        tenant_settings = cls(
            timezone=timezone,
            completion_delay_seconds=completion_delay_seconds,
            withdrawals=withdrawals,
            member_page=member_page,
            distribution=distribution,
        )

        return tenant_settings
