from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PoolSolvency")


@_attrs_define
class PoolSolvency:
    """
    Attributes:
        pool (str):
        balance (str):
        points (str):
        price (str):
        buyback_cost (str):
        covered (bool):
    """

    pool: str
    balance: str
    points: str
    price: str
    buyback_cost: str
    covered: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pool = self.pool

        balance = self.balance

        points = self.points

        price = self.price

        buyback_cost = self.buyback_cost

        covered = self.covered

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pool": pool,
                "balance": balance,
                "points": points,
                "price": price,
                "buyback_cost": buyback_cost,
                "covered": covered,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pool = d.pop("pool")

        balance = d.pop("balance")

        points = d.pop("points")

        price = d.pop("price")

        buyback_cost = d.pop("buyback_cost")

        covered = d.pop("covered")

        pool_solvency = cls(
            pool=pool,
            balance=balance,
            points=points,
            price=price,
            buyback_cost=buyback_cost,
            covered=covered,
        )

        pool_solvency.additional_properties = d
        return pool_solvency

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
