from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WithdrawalSettings")


@_attrs_define
class WithdrawalSettings:
    """
    Attributes:
        minimum (str | Unset):  Default: '1.00'.
        fee_rate (str | Unset):  Default: '0'.
        fee_fixed (str | Unset):  Default: '0.00'.
        auto_approve_limit (str | Unset):  Default: '0.00'.
        require_real_name (bool | Unset):  Default: False.
        require_payee (bool | Unset):  Default: False.
    """

    minimum: str | Unset = "1.00"
    fee_rate: str | Unset = "0"
    fee_fixed: str | Unset = "0.00"
    auto_approve_limit: str | Unset = "0.00"
    require_real_name: bool | Unset = False
    require_payee: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        minimum = self.minimum

        fee_rate = self.fee_rate

        fee_fixed = self.fee_fixed

        auto_approve_limit = self.auto_approve_limit

        require_real_name = self.require_real_name

        require_payee = self.require_payee

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if minimum is not UNSET:
            field_dict["minimum"] = minimum
        if fee_rate is not UNSET:
            field_dict["fee_rate"] = fee_rate
        if fee_fixed is not UNSET:
            field_dict["fee_fixed"] = fee_fixed
        if auto_approve_limit is not UNSET:
            field_dict["auto_approve_limit"] = auto_approve_limit
        if require_real_name is not UNSET:
            field_dict["require_real_name"] = require_real_name
        if require_payee is not UNSET:
            field_dict["require_payee"] = require_payee

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        minimum = d.pop("minimum", UNSET)

        fee_rate = d.pop("fee_rate", UNSET)

        fee_fixed = d.pop("fee_fixed", UNSET)

        auto_approve_limit = d.pop("auto_approve_limit", UNSET)

        require_real_name = d.pop("require_real_name", UNSET)

        require_payee = d.pop("require_payee", UNSET)

        withdrawal_settings = cls(
            minimum=minimum,
            fee_rate=fee_rate,
            fee_fixed=fee_fixed,
            auto_approve_limit=auto_approve_limit,
            require_real_name=require_real_name,
            require_payee=require_payee,
        )

        return withdrawal_settings
