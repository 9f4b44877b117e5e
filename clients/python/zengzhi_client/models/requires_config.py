from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RequiresConfig")


@_attrs_define
class RequiresConfig:
    """Who may buy in the zone: an earlier order in one of `zones`, or a team level.

    Attributes:
        zones (list[str] | Unset):
        level (int | None | Unset):
    """

    zones: list[str] | Unset = UNSET
    level: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        zones: list[str] | Unset = UNSET
        if not isinstance(self.zones, Unset):
            zones = self.zones

        level: int | None | Unset
        if isinstance(self.level, Unset):
            level = UNSET
        else:
            level = self.level

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if zones is not UNSET:
            field_dict["zones"] = zones
        if level is not UNSET:
            field_dict["level"] = level

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        zones = cast(list[str], d.pop("zones", UNSET))

        def _parse_level(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        level = _parse_level(d.pop("level", UNSET))

        requires_config = cls(
            zones=zones,
            level=level,
        )

        return requires_config
