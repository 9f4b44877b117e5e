from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MemberPageSettings")


@_attrs_define
class MemberPageSettings:
    """
    Attributes:
        referral_link (None | str | Unset): e.g. "https://shop.example/join?ref={member}"
    """

    referral_link: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        referral_link: None | str | Unset
        if isinstance(self.referral_link, Unset):
            referral_link = UNSET
        else:
            referral_link = self.referral_link

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if referral_link is not UNSET:
            field_dict["referral_link"] = referral_link

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_referral_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referral_link = _parse_referral_link(d.pop("referral_link", UNSET))

        member_page_settings = cls(
            referral_link=referral_link,
        )

        return member_page_settings
