from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MemberWithdrawalRequest")


@_attrs_define
class MemberWithdrawalRequest:
    """The member's own withdrawal, as an integrator's (`wallets.WithdrawalRequest`).

    Attributes:
        id (str): the request's own id: a repeat applies once
        amount (str):
        max_fee (None | str | Unset): refuse the withdrawal if its fee would be more (the quote's)
    """

    id: str
    amount: str
    max_fee: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        amount = self.amount

        max_fee: None | str | Unset
        if isinstance(self.max_fee, Unset):
            max_fee = UNSET
        else:
            max_fee = self.max_fee

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "amount": amount,
            }
        )
        if max_fee is not UNSET:
            field_dict["max_fee"] = max_fee

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        amount = d.pop("amount")

        def _parse_max_fee(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_fee = _parse_max_fee(d.pop("max_fee", UNSET))

        member_withdrawal_request = cls(
            id=id,
            amount=amount,
            max_fee=max_fee,
        )

        return member_withdrawal_request
