from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MemberWithdrawalRequest")


@_attrs_define
class MemberWithdrawalRequest:
    """
    Attributes:
        amount (str):
        id (str): the request's own id: a repeat applies once
    """

    amount: str
    id: str

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        id = self.id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "id": id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        id = d.pop("id")

        member_withdrawal_request = cls(
            amount=amount,
            id=id,
        )

        return member_withdrawal_request
