from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SaleView")


@_attrs_define
class SaleView:
    """
    Attributes:
        pool (str):
        points (str):
        price (str):
        value (str):
        fee (str):
        payout (str):
    """

    pool: str
    points: str
    price: str
    value: str
    fee: str
    payout: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pool = self.pool

        points = self.points

        price = self.price

        value = self.value

        fee = self.fee

        payout = self.payout

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pool": pool,
                "points": points,
                "price": price,
                "value": value,
                "fee": fee,
                "payout": payout,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pool = d.pop("pool")

        points = d.pop("points")

        price = d.pop("price")

        value = d.pop("value")

        fee = d.pop("fee")

        payout = d.pop("payout")

        sale_view = cls(
            pool=pool,
            points=points,
            price=price,
            value=value,
            fee=fee,
            payout=payout,
        )

        sale_view.additional_properties = d
        return sale_view

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
