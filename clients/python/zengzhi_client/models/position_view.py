from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PositionView")


@_attrs_define
class PositionView:
    """
    Attributes:
        pool (str):
        points (str):
        principal (str):
        realized (str):
        value (str):
        price (str):
        exit_price (None | str):
        progress (None | str):
        cap_left (None | str):
        exit_payout (None | str):
    """

    pool: str
    points: str
    principal: str
    realized: str
    value: str
    price: str
    exit_price: None | str
    progress: None | str
    cap_left: None | str
    exit_payout: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pool = self.pool

        points = self.points

        principal = self.principal

        realized = self.realized

        value = self.value

        price = self.price

        exit_price: None | str
        exit_price = self.exit_price

        progress: None | str
        progress = self.progress

        cap_left: None | str
        cap_left = self.cap_left

        exit_payout: None | str
        exit_payout = self.exit_payout

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pool": pool,
                "points": points,
                "principal": principal,
                "realized": realized,
                "value": value,
                "price": price,
                "exit_price": exit_price,
                "progress": progress,
                "cap_left": cap_left,
                "exit_payout": exit_payout,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pool = d.pop("pool")

        points = d.pop("points")

        principal = d.pop("principal")

        realized = d.pop("realized")

        value = d.pop("value")

        price = d.pop("price")

        def _parse_exit_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        exit_price = _parse_exit_price(d.pop("exit_price"))

        def _parse_progress(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        progress = _parse_progress(d.pop("progress"))

        def _parse_cap_left(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cap_left = _parse_cap_left(d.pop("cap_left"))

        def _parse_exit_payout(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        exit_payout = _parse_exit_payout(d.pop("exit_payout"))

        position_view = cls(
            pool=pool,
            points=points,
            principal=principal,
            realized=realized,
            value=value,
            price=price,
            exit_price=exit_price,
            progress=progress,
            cap_left=cap_left,
            exit_payout=exit_payout,
        )

        position_view.additional_properties = d
        return position_view

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
