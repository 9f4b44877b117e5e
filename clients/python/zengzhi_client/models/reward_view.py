from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RewardView")


@_attrs_define
class RewardView:
    """
    Attributes:
        entry (int):
        at (datetime.datetime):
        kind (str):
        cause (str):
        rate (str):
        base (str):
        amount (str):
        paid (str):
        into (str):
        note (None | str):
    """

    entry: int
    at: datetime.datetime
    kind: str
    cause: str
    rate: str
    base: str
    amount: str
    paid: str
    into: str
    note: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry = self.entry

        at = self.at.isoformat()

        kind = self.kind

        cause = self.cause

        rate = self.rate

        base = self.base

        amount = self.amount

        paid = self.paid

        into = self.into

        note: None | str
        note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry": entry,
                "at": at,
                "kind": kind,
                "cause": cause,
                "rate": rate,
                "base": base,
                "amount": amount,
                "paid": paid,
                "into": into,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entry = d.pop("entry")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        kind = d.pop("kind")

        cause = d.pop("cause")

        rate = d.pop("rate")

        base = d.pop("base")

        amount = d.pop("amount")

        paid = d.pop("paid")

        into = d.pop("into")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        reward_view = cls(
            entry=entry,
            at=at,
            kind=kind,
            cause=cause,
            rate=rate,
            base=base,
            amount=amount,
            paid=paid,
            into=into,
            note=note,
        )

        reward_view.additional_properties = d
        return reward_view

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
