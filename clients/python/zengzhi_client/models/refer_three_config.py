from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.refer_three_config_base import ReferThreeConfigBase
from ..models.refer_three_config_count import ReferThreeConfigCount
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReferThreeConfig")


@_attrs_define
class ReferThreeConfig:
    """
    Attributes:
        starts (datetime.datetime | None | Unset):
        ends (datetime.datetime | None | Unset):
        funding (None | str | Unset):
        backed (bool | Unset):  Default: False.
        schedule (list[str] | Unset):
        rounds (int | None | Unset):
        base (ReferThreeConfigBase | Unset):  Default: ReferThreeConfigBase.PACKAGE.
        release_days (int | Unset):  Default: 0.
        count (ReferThreeConfigCount | Unset):  Default: ReferThreeConfigCount.PEOPLE.
        partial (bool | Unset):  Default: True.
    """

    starts: datetime.datetime | None | Unset = UNSET
    ends: datetime.datetime | None | Unset = UNSET
    funding: None | str | Unset = UNSET
    backed: bool | Unset = False
    schedule: list[str] | Unset = UNSET
    rounds: int | None | Unset = UNSET
    base: ReferThreeConfigBase | Unset = ReferThreeConfigBase.PACKAGE
    release_days: int | Unset = 0
    count: ReferThreeConfigCount | Unset = ReferThreeConfigCount.PEOPLE
    partial: bool | Unset = True

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

        schedule: list[str] | Unset = UNSET
        if not isinstance(self.schedule, Unset):
            schedule = self.schedule

        rounds: int | None | Unset
        if isinstance(self.rounds, Unset):
            rounds = UNSET
        else:
            rounds = self.rounds

        base: str | Unset = UNSET
        if not isinstance(self.base, Unset):
            base = self.base.value

        release_days = self.release_days

        count: str | Unset = UNSET
        if not isinstance(self.count, Unset):
            count = self.count.value

        partial = self.partial

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
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if rounds is not UNSET:
            field_dict["rounds"] = rounds
        if base is not UNSET:
            field_dict["base"] = base
        if release_days is not UNSET:
            field_dict["release_days"] = release_days
        if count is not UNSET:
            field_dict["count"] = count
        if partial is not UNSET:
            field_dict["partial"] = partial

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

        schedule = cast(list[str], d.pop("schedule", UNSET))

        def _parse_rounds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rounds = _parse_rounds(d.pop("rounds", UNSET))

        _base = d.pop("base", UNSET)
        base: ReferThreeConfigBase | Unset
        if isinstance(_base, Unset):
            base = UNSET
        else:
            base = ReferThreeConfigBase(_base)

        release_days = d.pop("release_days", UNSET)

        _count = d.pop("count", UNSET)
        count: ReferThreeConfigCount | Unset
        if isinstance(_count, Unset):
            count = UNSET
        else:
            count = ReferThreeConfigCount(_count)

        partial = d.pop("partial", UNSET)

        refer_three_config = cls(
            starts=starts,
            ends=ends,
            funding=funding,
            backed=backed,
            schedule=schedule,
            rounds=rounds,
            base=base,
            release_days=release_days,
            count=count,
            partial=partial,
        )

        return refer_three_config
