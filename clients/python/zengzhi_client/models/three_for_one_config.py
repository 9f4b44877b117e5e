from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ThreeForOneConfig")


@_attrs_define
class ThreeForOneConfig:
    """
    Attributes:
        starts (datetime.datetime | None | Unset):
        ends (datetime.datetime | None | Unset):
        funding (None | str | Unset):
        backed (bool | Unset):  Default: False.
        threshold (str | Unset):  Default: '1000'.
        rate (str | Unset):  Default: '0.7'.
        every (int | Unset):  Default: 3.
        cumulative (bool | Unset):  Default: False.
    """

    starts: datetime.datetime | None | Unset = UNSET
    ends: datetime.datetime | None | Unset = UNSET
    funding: None | str | Unset = UNSET
    backed: bool | Unset = False
    threshold: str | Unset = "1000"
    rate: str | Unset = "0.7"
    every: int | Unset = 3
    cumulative: bool | Unset = False

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

        threshold = self.threshold

        rate = self.rate

        every = self.every

        cumulative = self.cumulative

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
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if rate is not UNSET:
            field_dict["rate"] = rate
        if every is not UNSET:
            field_dict["every"] = every
        if cumulative is not UNSET:
            field_dict["cumulative"] = cumulative

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

        threshold = d.pop("threshold", UNSET)

        rate = d.pop("rate", UNSET)

        every = d.pop("every", UNSET)

        cumulative = d.pop("cumulative", UNSET)

        three_for_one_config = cls(
            starts=starts,
            ends=ends,
            funding=funding,
            backed=backed,
            threshold=threshold,
            rate=rate,
            every=every,
            cumulative=cumulative,
        )

        return three_for_one_config
