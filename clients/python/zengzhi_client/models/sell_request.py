from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SellRequest")


@_attrs_define
class SellRequest:
    """
    Attributes:
        points (str): points to sell, or "all"
        id (str): the request's own id: a repeat applies once
        pool (str | Unset):  Default: 'main'.
        min_payout (None | str | Unset): refuse the sale if it would pay less (the quote's payout)
    """

    points: str
    id: str
    pool: str | Unset = "main"
    min_payout: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        points = self.points

        id = self.id

        pool = self.pool

        min_payout: None | str | Unset
        if isinstance(self.min_payout, Unset):
            min_payout = UNSET
        else:
            min_payout = self.min_payout

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "points": points,
                "id": id,
            }
        )
        if pool is not UNSET:
            field_dict["pool"] = pool
        if min_payout is not UNSET:
            field_dict["min_payout"] = min_payout

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        points = d.pop("points")

        id = d.pop("id")

        pool = d.pop("pool", UNSET)

        def _parse_min_payout(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_payout = _parse_min_payout(d.pop("min_payout", UNSET))

        sell_request = cls(
            points=points,
            id=id,
            pool=pool,
            min_payout=min_payout,
        )

        return sell_request
