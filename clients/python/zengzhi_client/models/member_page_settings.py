from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.member_page_settings_pool_names import MemberPageSettingsPoolNames


T = TypeVar("T", bound="MemberPageSettings")


@_attrs_define
class MemberPageSettings:
    """
    Attributes:
        referral_link (None | str | Unset): e.g. "https://shop.example/join?ref={member}"
        pool_names (MemberPageSettingsPoolNames | Unset):
    """

    referral_link: None | str | Unset = UNSET
    pool_names: MemberPageSettingsPoolNames | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        referral_link: None | str | Unset
        if isinstance(self.referral_link, Unset):
            referral_link = UNSET
        else:
            referral_link = self.referral_link

        pool_names: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pool_names, Unset):
            pool_names = self.pool_names.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if referral_link is not UNSET:
            field_dict["referral_link"] = referral_link
        if pool_names is not UNSET:
            field_dict["pool_names"] = pool_names

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_page_settings_pool_names import MemberPageSettingsPoolNames  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_referral_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referral_link = _parse_referral_link(d.pop("referral_link", UNSET))

        _pool_names = d.pop("pool_names", UNSET)
        pool_names: MemberPageSettingsPoolNames | Unset
        if isinstance(_pool_names, Unset):
            pool_names = UNSET
        else:
            pool_names = MemberPageSettingsPoolNames.from_dict(_pool_names)

        member_page_settings = cls(
            referral_link=referral_link,
            pool_names=pool_names,
        )

        return member_page_settings
