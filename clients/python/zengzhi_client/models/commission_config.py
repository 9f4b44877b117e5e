from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.commission_config_pay_in import CommissionConfigPayIn
from ..types import UNSET, Unset

T = TypeVar("T", bound="CommissionConfig")


@_attrs_define
class CommissionConfig:
    """
    Attributes:
        rates (list[str] | Unset):
        allow_deep (bool | Unset):  Default: False.
        pay_in (CommissionConfigPayIn | Unset):  Default: CommissionConfigPayIn.CASH.
        promoter_after_purchase (bool | Unset):  Default: False.
    """

    rates: list[str] | Unset = UNSET
    allow_deep: bool | Unset = False
    pay_in: CommissionConfigPayIn | Unset = CommissionConfigPayIn.CASH
    promoter_after_purchase: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        rates: list[str] | Unset = UNSET
        if not isinstance(self.rates, Unset):
            rates = self.rates

        allow_deep = self.allow_deep

        pay_in: str | Unset = UNSET
        if not isinstance(self.pay_in, Unset):
            pay_in = self.pay_in.value

        promoter_after_purchase = self.promoter_after_purchase

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if rates is not UNSET:
            field_dict["rates"] = rates
        if allow_deep is not UNSET:
            field_dict["allow_deep"] = allow_deep
        if pay_in is not UNSET:
            field_dict["pay_in"] = pay_in
        if promoter_after_purchase is not UNSET:
            field_dict["promoter_after_purchase"] = promoter_after_purchase

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rates = cast(list[str], d.pop("rates", UNSET))

        allow_deep = d.pop("allow_deep", UNSET)

        _pay_in = d.pop("pay_in", UNSET)
        pay_in: CommissionConfigPayIn | Unset
        if isinstance(_pay_in, Unset):
            pay_in = UNSET
        else:
            pay_in = CommissionConfigPayIn(_pay_in)

        promoter_after_purchase = d.pop("promoter_after_purchase", UNSET)

        commission_config = cls(
            rates=rates,
            allow_deep=allow_deep,
            pay_in=pay_in,
            promoter_after_purchase=promoter_after_purchase,
        )

        return commission_config
