from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SaleQuoteRequest")


@_attrs_define
class SaleQuoteRequest:
    """
    Attributes:
        points (str): points to sell, or "all"
        pool (str | Unset):  Default: 'main'.
    """

    points: str
    pool: str | Unset = "main"

    def to_dict(self) -> dict[str, Any]:
        points = self.points

        pool = self.pool

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "points": points,
            }
        )
        if pool is not UNSET:
            field_dict["pool"] = pool

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        points = d.pop("points")

        pool = d.pop("pool", UNSET)

        sale_quote_request = cls(
            points=points,
            pool=pool,
        )

        return sale_quote_request
