from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WithdrawalView")


@_attrs_define
class WithdrawalView:
    """
    Attributes:
        id (str):
        member (str):
        amount (str):
        fee (str):
        payout (str):
        status (str):
        requested_at (datetime.datetime):
        decided_at (datetime.datetime | None):
        decided_by (None | str):
        paid_at (datetime.datetime | None):
        note (None | str):
    """

    id: str
    member: str
    amount: str
    fee: str
    payout: str
    status: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decided_by: None | str
    paid_at: datetime.datetime | None
    note: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        member = self.member

        amount = self.amount

        fee = self.fee

        payout = self.payout

        status = self.status

        requested_at = self.requested_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decided_by: None | str
        decided_by = self.decided_by

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        note: None | str
        note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "member": member,
                "amount": amount,
                "fee": fee,
                "payout": payout,
                "status": status,
                "requested_at": requested_at,
                "decided_at": decided_at,
                "decided_by": decided_by,
                "paid_at": paid_at,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        member = d.pop("member")

        amount = d.pop("amount")

        fee = d.pop("fee")

        payout = d.pop("payout")

        status = d.pop("status")

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        withdrawal_view = cls(
            id=id,
            member=member,
            amount=amount,
            fee=fee,
            payout=payout,
            status=status,
            requested_at=requested_at,
            decided_at=decided_at,
            decided_by=decided_by,
            paid_at=paid_at,
            note=note,
        )

        withdrawal_view.additional_properties = d
        return withdrawal_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
