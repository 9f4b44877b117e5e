from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Sample")


@_attrs_define
class Sample:
    """
    Attributes:
        at (datetime.datetime):
        seq (int):
        price (str):
        balance (str):
        points (str):
    """

    at: datetime.datetime
    seq: int
    price: str
    balance: str
    points: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        seq = self.seq

        price = self.price

        balance = self.balance

        points = self.points

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "seq": seq,
                "price": price,
                "balance": balance,
                "points": points,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        seq = d.pop("seq")

        price = d.pop("price")

        balance = d.pop("balance")

        points = d.pop("points")

        sample = cls(
            at=at,
            seq=seq,
            price=price,
            balance=balance,
            points=points,
        )

        sample.additional_properties = d
        return sample

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
