from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PageTokenRequest")


@_attrs_define
class PageTokenRequest:
    """
    Attributes:
        minutes (int | Unset): its lifetime Default: 30.
    """

    minutes: int | Unset = 30

    def to_dict(self) -> dict[str, Any]:
        minutes = self.minutes

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if minutes is not UNSET:
            field_dict["minutes"] = minutes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        minutes = d.pop("minutes", UNSET)

        page_token_request = cls(
            minutes=minutes,
        )

        return page_token_request
