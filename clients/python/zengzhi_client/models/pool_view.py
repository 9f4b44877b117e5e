from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.pool_view_params import PoolViewParams


T = TypeVar("T", bound="PoolView")


@_attrs_define
class PoolView:
    """
    Attributes:
        id (str):
        balance (str):
        points (str):
        price (str):
        params (PoolViewParams):
    """

    id: str
    balance: str
    points: str
    price: str
    params: PoolViewParams
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        balance = self.balance

        points = self.points

        price = self.price

        params = self.params.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "balance": balance,
                "points": points,
                "price": price,
                "params": params,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pool_view_params import PoolViewParams  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        balance = d.pop("balance")

        points = d.pop("points")

        price = d.pop("price")

        params = PoolViewParams.from_dict(d.pop("params"))

        pool_view = cls(
            id=id,
            balance=balance,
            points=points,
            price=price,
            params=params,
        )

        pool_view.additional_properties = d
        return pool_view

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
