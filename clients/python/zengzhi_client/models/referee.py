from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Referee")


@_attrs_define
class Referee:
    """
    Attributes:
        id (str):
        team_performance (str):
        level (int):
        referees (int):
    """

    id: str
    team_performance: str
    level: int
    referees: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        team_performance = self.team_performance

        level = self.level

        referees = self.referees

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "team_performance": team_performance,
                "level": level,
                "referees": referees,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        team_performance = d.pop("team_performance")

        level = d.pop("level")

        referees = d.pop("referees")

        referee = cls(
            id=id,
            team_performance=team_performance,
            level=level,
            referees=referees,
        )

        referee.additional_properties = d
        return referee

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
