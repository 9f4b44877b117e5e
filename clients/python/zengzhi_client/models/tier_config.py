from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TierConfig")


@_attrs_define
class TierConfig:
    """
    Attributes:
        release (str):
        up_to (None | str | Unset):
    """

    release: str
    up_to: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        release = self.release

        up_to: None | str | Unset
        if isinstance(self.up_to, Unset):
            up_to = UNSET
        else:
            up_to = self.up_to

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "release": release,
            }
        )
        if up_to is not UNSET:
            field_dict["up_to"] = up_to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        release = d.pop("release")

        def _parse_up_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        up_to = _parse_up_to(d.pop("up_to", UNSET))

        tier_config = cls(
            release=release,
            up_to=up_to,
        )

        return tier_config
