from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TeamLevelConfig")


@_attrs_define
class TeamLevelConfig:
    """
    Attributes:
        performance (str):
        rate (str):
    """

    performance: str
    rate: str

    def to_dict(self) -> dict[str, Any]:
        performance = self.performance

        rate = self.rate

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "performance": performance,
                "rate": rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        performance = d.pop("performance")

        rate = d.pop("rate")

        team_level_config = cls(
            performance=performance,
            rate=rate,
        )

        return team_level_config
