from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LimitsConfig")


@_attrs_define
class LimitsConfig:
    """Anti-abuse settings the service applies when members register and order.

    Attributes:
        one_account_per_phone (bool | Unset):  Default: False.
        orders_per_day (int | None | Unset):
        total_spend (None | str | Unset):
    """

    one_account_per_phone: bool | Unset = False
    orders_per_day: int | None | Unset = UNSET
    total_spend: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        one_account_per_phone = self.one_account_per_phone

        orders_per_day: int | None | Unset
        if isinstance(self.orders_per_day, Unset):
            orders_per_day = UNSET
        else:
            orders_per_day = self.orders_per_day

        total_spend: None | str | Unset
        if isinstance(self.total_spend, Unset):
            total_spend = UNSET
        else:
            total_spend = self.total_spend

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if one_account_per_phone is not UNSET:
            field_dict["one_account_per_phone"] = one_account_per_phone
        if orders_per_day is not UNSET:
            field_dict["orders_per_day"] = orders_per_day
        if total_spend is not UNSET:
            field_dict["total_spend"] = total_spend

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        one_account_per_phone = d.pop("one_account_per_phone", UNSET)

        def _parse_orders_per_day(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        orders_per_day = _parse_orders_per_day(d.pop("orders_per_day", UNSET))

        def _parse_total_spend(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        total_spend = _parse_total_spend(d.pop("total_spend", UNSET))

        limits_config = cls(
            one_account_per_phone=one_account_per_phone,
            orders_per_day=orders_per_day,
            total_spend=total_spend,
        )

        return limits_config
