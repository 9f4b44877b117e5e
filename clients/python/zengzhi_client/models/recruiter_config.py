from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.recruiter_config_pay_in import RecruiterConfigPayIn
from ..types import UNSET, Unset

T = TypeVar("T", bound="RecruiterConfig")


@_attrs_define
class RecruiterConfig:
    """
    Attributes:
        rate (str):
        pay_in (RecruiterConfigPayIn | Unset):  Default: RecruiterConfigPayIn.CASH.
        indirect_members (bool | Unset):  Default: False.
    """

    rate: str
    pay_in: RecruiterConfigPayIn | Unset = RecruiterConfigPayIn.CASH
    indirect_members: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        rate = self.rate

        pay_in: str | Unset = UNSET
        if not isinstance(self.pay_in, Unset):
            pay_in = self.pay_in.value

        indirect_members = self.indirect_members

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rate": rate,
            }
        )
        if pay_in is not UNSET:
            field_dict["pay_in"] = pay_in
        if indirect_members is not UNSET:
            field_dict["indirect_members"] = indirect_members

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rate = d.pop("rate")

        _pay_in = d.pop("pay_in", UNSET)
        pay_in: RecruiterConfigPayIn | Unset
        if isinstance(_pay_in, Unset):
            pay_in = UNSET
        else:
            pay_in = RecruiterConfigPayIn(_pay_in)

        indirect_members = d.pop("indirect_members", UNSET)

        recruiter_config = cls(
            rate=rate,
            pay_in=pay_in,
            indirect_members=indirect_members,
        )

        return recruiter_config
