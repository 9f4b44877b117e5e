from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.compared import Compared


T = TypeVar("T", bound="PoolComparison")


@_attrs_define
class PoolComparison:
    """
    Attributes:
        pool (str):
        balance (Compared):
        points (Compared):
        price (Compared):
        buyback_cost (Compared):
    """

    pool: str
    balance: Compared
    points: Compared
    price: Compared
    buyback_cost: Compared
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pool = self.pool

        balance = self.balance.to_dict()

        points = self.points.to_dict()

        price = self.price.to_dict()

        buyback_cost = self.buyback_cost.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pool": pool,
                "balance": balance,
                "points": points,
                "price": price,
                "buyback_cost": buyback_cost,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.compared import Compared  # noqa: PLC0415

        d = dict(src_dict)
        pool = d.pop("pool")

        balance = Compared.from_dict(d.pop("balance"))

        points = Compared.from_dict(d.pop("points"))

        price = Compared.from_dict(d.pop("price"))

        buyback_cost = Compared.from_dict(d.pop("buyback_cost"))

        pool_comparison = cls(
            pool=pool,
            balance=balance,
            points=points,
            price=price,
            buyback_cost=buyback_cost,
        )

        pool_comparison.additional_properties = d
        return pool_comparison

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
