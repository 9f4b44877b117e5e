from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UnionConfig")


@_attrs_define
class UnionConfig:
    """
    Attributes:
        starts (datetime.datetime | None | Unset):
        ends (datetime.datetime | None | Unset):
        funding (None | str | Unset):
        backed (bool | Unset):  Default: False.
        credit (str | Unset):  Default: '1'.
        lock_days (int | Unset):  Default: 15.
        dynamic (str | Unset):  Default: '0.2'.
    """

    starts: datetime.datetime | None | Unset = UNSET
    ends: datetime.datetime | None | Unset = UNSET
    funding: None | str | Unset = UNSET
    backed: bool | Unset = False
    credit: str | Unset = "1"
    lock_days: int | Unset = 15
    dynamic: str | Unset = "0.2"

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

        credit = self.credit

        lock_days = self.lock_days

        dynamic = self.dynamic

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
        if credit is not UNSET:
            field_dict["credit"] = credit
        if lock_days is not UNSET:
            field_dict["lock_days"] = lock_days
        if dynamic is not UNSET:
            field_dict["dynamic"] = dynamic

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

        credit = d.pop("credit", UNSET)

        lock_days = d.pop("lock_days", UNSET)

        dynamic = d.pop("dynamic", UNSET)

        union_config = cls(
            starts=starts,
            ends=ends,
            funding=funding,
            backed=backed,
            credit=credit,
            lock_days=lock_days,
            dynamic=dynamic,
        )

        return union_config
