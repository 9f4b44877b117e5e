from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SellRequest")


@_attrs_define
class SellRequest:
    """
    Attributes:
        id (str): the request's own id: a repeat applies once
        points (str): points to sell, or "all"
        pool (str | Unset):  Default: 'main'.
    """

    id: str
    points: str
    pool: str | Unset = "main"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        points = self.points

        pool = self.pool

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "points": points,
            }
        )
        if pool is not UNSET:
            field_dict["pool"] = pool

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        points = d.pop("points")

        pool = d.pop("pool", UNSET)

        sell_request = cls(
            id=id,
            points=points,
            pool=pool,
        )

        return sell_request
