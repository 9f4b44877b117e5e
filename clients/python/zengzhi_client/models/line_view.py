from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LineView")


@_attrs_define
class LineView:
    """
    Attributes:
        amount (str):
        contribution (str):
        pool (None | str):
        cost (str):
        distribution (str):
        platform (str):
        product (None | str):
        zone (None | str | Unset):
    """

    amount: str
    contribution: str
    pool: None | str
    cost: str
    distribution: str
    platform: str
    product: None | str
    zone: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        contribution = self.contribution

        pool: None | str
        pool = self.pool

        cost = self.cost

        distribution = self.distribution

        platform = self.platform

        product: None | str
        product = self.product

        zone: None | str | Unset
        if isinstance(self.zone, Unset):
            zone = UNSET
        else:
            zone = self.zone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "contribution": contribution,
                "pool": pool,
                "cost": cost,
                "distribution": distribution,
                "platform": platform,
                "product": product,
            }
        )
        if zone is not UNSET:
            field_dict["zone"] = zone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        contribution = d.pop("contribution")

        def _parse_pool(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pool = _parse_pool(d.pop("pool"))

        cost = d.pop("cost")

        distribution = d.pop("distribution")

        platform = d.pop("platform")

        def _parse_product(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        product = _parse_product(d.pop("product"))

        def _parse_zone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        zone = _parse_zone(d.pop("zone", UNSET))

        line_view = cls(
            amount=amount,
            contribution=contribution,
            pool=pool,
            cost=cost,
            distribution=distribution,
            platform=platform,
            product=product,
            zone=zone,
        )

        line_view.additional_properties = d
        return line_view

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
