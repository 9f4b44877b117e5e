from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.modes_config import ModesConfig


T = TypeVar("T", bound="ZoneIn")


@_attrs_define
class ZoneIn:
    """A zone: its return window, its companion modes (spec 03), and the period they
    make promises in. Its modes go through the engine (and the event log).

        Attributes:
            pool (None | str | Unset):
            completion_delay_seconds (int | Unset):  Default: 0.
            starts_at (datetime.datetime | None | Unset):
            ends_at (datetime.datetime | None | Unset):
            modes (ModesConfig | Unset): A zone's modes (each optional) and issuance control.
    """

    pool: None | str | Unset = UNSET
    completion_delay_seconds: int | Unset = 0
    starts_at: datetime.datetime | None | Unset = UNSET
    ends_at: datetime.datetime | None | Unset = UNSET
    modes: ModesConfig | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        pool: None | str | Unset
        if isinstance(self.pool, Unset):
            pool = UNSET
        else:
            pool = self.pool

        completion_delay_seconds = self.completion_delay_seconds

        starts_at: None | str | Unset
        if isinstance(self.starts_at, Unset):
            starts_at = UNSET
        elif isinstance(self.starts_at, datetime.datetime):
            starts_at = self.starts_at.isoformat()
        else:
            starts_at = self.starts_at

        ends_at: None | str | Unset
        if isinstance(self.ends_at, Unset):
            ends_at = UNSET
        elif isinstance(self.ends_at, datetime.datetime):
            ends_at = self.ends_at.isoformat()
        else:
            ends_at = self.ends_at

        modes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.modes, Unset):
            modes = self.modes.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if pool is not UNSET:
            field_dict["pool"] = pool
        if completion_delay_seconds is not UNSET:
            field_dict["completion_delay_seconds"] = completion_delay_seconds
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if ends_at is not UNSET:
            field_dict["ends_at"] = ends_at
        if modes is not UNSET:
            field_dict["modes"] = modes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.modes_config import ModesConfig  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_pool(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pool = _parse_pool(d.pop("pool", UNSET))

        completion_delay_seconds = d.pop("completion_delay_seconds", UNSET)

        def _parse_starts_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_at_type_0 = datetime.datetime.fromisoformat(data)

                return starts_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        starts_at = _parse_starts_at(d.pop("starts_at", UNSET))

        def _parse_ends_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_at_type_0 = datetime.datetime.fromisoformat(data)

                return ends_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        ends_at = _parse_ends_at(d.pop("ends_at", UNSET))

        _modes = d.pop("modes", UNSET)
        modes: ModesConfig | Unset
        if isinstance(_modes, Unset):
            modes = UNSET
        else:
            modes = ModesConfig.from_dict(_modes)

        zone_in = cls(
            pool=pool,
            completion_delay_seconds=completion_delay_seconds,
            starts_at=starts_at,
            ends_at=ends_at,
            modes=modes,
        )

        return zone_in
