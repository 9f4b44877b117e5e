from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OwedBackReturned")


@_attrs_define
class OwedBackReturned:
    """A return recorded: what it covered, when and by whom.

    Attributes:
        order (str):
        member (str):
        amount (str):
        notifications (list[None | str]):
        returned_at (datetime.datetime):
        returned_by (str):
        note (None | str):
        currency (str | Unset):  Default: 'CNY'.
    """

    order: str
    member: str
    amount: str
    notifications: list[None | str]
    returned_at: datetime.datetime
    returned_by: str
    note: None | str
    currency: str | Unset = "CNY"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order = self.order

        member = self.member

        amount = self.amount

        notifications = []
        for notifications_item_data in self.notifications:
            notifications_item: None | str
            notifications_item = notifications_item_data
            notifications.append(notifications_item)

        returned_at = self.returned_at.isoformat()

        returned_by = self.returned_by

        note: None | str
        note = self.note

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order": order,
                "member": member,
                "amount": amount,
                "notifications": notifications,
                "returned_at": returned_at,
                "returned_by": returned_by,
                "note": note,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order = d.pop("order")

        member = d.pop("member")

        amount = d.pop("amount")

        notifications = []
        _notifications = d.pop("notifications")
        for notifications_item_data in _notifications:

            def _parse_notifications_item(data: object) -> None | str:
                if data is None:
                    return data
                return cast(None | str, data)

            notifications_item = _parse_notifications_item(notifications_item_data)

            notifications.append(notifications_item)

        returned_at = datetime.datetime.fromisoformat(d.pop("returned_at"))

        returned_by = d.pop("returned_by")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        currency = d.pop("currency", UNSET)

        owed_back_returned = cls(
            order=order,
            member=member,
            amount=amount,
            notifications=notifications,
            returned_at=returned_at,
            returned_by=returned_by,
            note=note,
            currency=currency,
        )

        owed_back_returned.additional_properties = d
        return owed_back_returned

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
