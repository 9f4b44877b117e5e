from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SplitIn")


@_attrs_define
class SplitIn:
    """
    Attributes:
        cost (str | Unset):  Default: '0'.
        distribution (str | Unset):  Default: '0'.
        platform (str | Unset):  Default: '0'.
        contribution (str | Unset):  Default: '0'.
    """

    cost: str | Unset = "0"
    distribution: str | Unset = "0"
    platform: str | Unset = "0"
    contribution: str | Unset = "0"

    def to_dict(self) -> dict[str, Any]:
        cost = self.cost

        distribution = self.distribution

        platform = self.platform

        contribution = self.contribution

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if cost is not UNSET:
            field_dict["cost"] = cost
        if distribution is not UNSET:
            field_dict["distribution"] = distribution
        if platform is not UNSET:
            field_dict["platform"] = platform
        if contribution is not UNSET:
            field_dict["contribution"] = contribution

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cost = d.pop("cost", UNSET)

        distribution = d.pop("distribution", UNSET)

        platform = d.pop("platform", UNSET)

        contribution = d.pop("contribution", UNSET)

        split_in = cls(
            cost=cost,
            distribution=distribution,
            platform=platform,
            contribution=contribution,
        )

        return split_in
