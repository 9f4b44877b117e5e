from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="GreenConfig")


@_attrs_define
class GreenConfig:
    """
    Attributes:
        starts (datetime.datetime | None | Unset):
        ends (datetime.datetime | None | Unset):
        funding (None | str | Unset):
        backed (bool | Unset):  Default: False.
        multiple (str | Unset):  Default: '3'.
        daily (str | Unset):  Default: '0.012'.
        acceleration (list[str] | Unset):
        team (list[str] | Unset):
        peer (None | str | Unset):
    """

    starts: datetime.datetime | None | Unset = UNSET
    ends: datetime.datetime | None | Unset = UNSET
    funding: None | str | Unset = UNSET
    backed: bool | Unset = False
    multiple: str | Unset = "3"
    daily: str | Unset = "0.012"
    acceleration: list[str] | Unset = UNSET
    team: list[str] | Unset = UNSET
    peer: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        starts: None | str | Unset
        if isinstance(self.starts, Unset):
            starts = UNSET
        elif isinstance(self.starts, datetime.datetime):
            starts = self.starts.isoformat()
        else:
            starts = self.starts

        ends: None | str | Unset
        if isinstance(self.ends, Unset):
            ends = UNSET
        elif isinstance(self.ends, datetime.datetime):
            ends = self.ends.isoformat()
        else:
            ends = self.ends

        funding: None | str | Unset
        if isinstance(self.funding, Unset):
            funding = UNSET
        else:
            funding = self.funding

        backed = self.backed

        multiple = self.multiple

        daily = self.daily

        acceleration: list[str] | Unset = UNSET
        if not isinstance(self.acceleration, Unset):
            acceleration = self.acceleration

        team: list[str] | Unset = UNSET
        if not isinstance(self.team, Unset):
            team = self.team

        peer: None | str | Unset
        if isinstance(self.peer, Unset):
            peer = UNSET
        else:
            peer = self.peer

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if starts is not UNSET:
            field_dict["starts"] = starts
        if ends is not UNSET:
            field_dict["ends"] = ends
        if funding is not UNSET:
            field_dict["funding"] = funding
        if backed is not UNSET:
            field_dict["backed"] = backed
        if multiple is not UNSET:
            field_dict["multiple"] = multiple
        if daily is not UNSET:
            field_dict["daily"] = daily
        if acceleration is not UNSET:
            field_dict["acceleration"] = acceleration
        if team is not UNSET:
            field_dict["team"] = team
        if peer is not UNSET:
            field_dict["peer"] = peer

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_starts(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_type_0 = datetime.datetime.fromisoformat(data)

                return starts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        starts = _parse_starts(d.pop("starts", UNSET))

        def _parse_ends(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_type_0 = datetime.datetime.fromisoformat(data)

                return ends_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        ends = _parse_ends(d.pop("ends", UNSET))

        def _parse_funding(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        funding = _parse_funding(d.pop("funding", UNSET))

        backed = d.pop("backed", UNSET)

        multiple = d.pop("multiple", UNSET)

        daily = d.pop("daily", UNSET)

        acceleration = cast(list[str], d.pop("acceleration", UNSET))

        team = cast(list[str], d.pop("team", UNSET))

        def _parse_peer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        peer = _parse_peer(d.pop("peer", UNSET))

        green_config = cls(
            starts=starts,
            ends=ends,
            funding=funding,
            backed=backed,
            multiple=multiple,
            daily=daily,
            acceleration=acceleration,
            team=team,
            peer=peer,
        )

        return green_config
