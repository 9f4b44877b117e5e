from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.referee import Referee


T = TypeVar("T", bound="Network")


@_attrs_define
class Network:
    """
    Attributes:
        member (str):
        referrer (None | str):
        uplines (list[str]):
        team_performance (str):
        level (int):
        referees (list[Referee]):
    """

    member: str
    referrer: None | str
    uplines: list[str]
    team_performance: str
    level: int
    referees: list[Referee]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        member = self.member

        referrer: None | str
        referrer = self.referrer

        uplines = self.uplines

        team_performance = self.team_performance

        level = self.level

        referees = []
        for referees_item_data in self.referees:
            referees_item = referees_item_data.to_dict()
            referees.append(referees_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "member": member,
                "referrer": referrer,
                "uplines": uplines,
                "team_performance": team_performance,
                "level": level,
                "referees": referees,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.referee import Referee  # noqa: PLC0415

        d = dict(src_dict)
        member = d.pop("member")

        def _parse_referrer(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        referrer = _parse_referrer(d.pop("referrer"))

        uplines = cast(list[str], d.pop("uplines"))

        team_performance = d.pop("team_performance")

        level = d.pop("level")

        referees = []
        _referees = d.pop("referees")
        for referees_item_data in _referees:
            referees_item = Referee.from_dict(referees_item_data)

            referees.append(referees_item)

        network = cls(
            member=member,
            referrer=referrer,
            uplines=uplines,
            team_performance=team_performance,
            level=level,
            referees=referees,
        )

        network.additional_properties = d
        return network

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
