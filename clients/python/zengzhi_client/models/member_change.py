from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MemberChange")


@_attrs_define
class MemberChange:
    """What changes; a field left out (or null) stays as it is, and an empty phone, name
    or region removes it.

        Attributes:
            phone (None | str | Unset):
            name (None | str | Unset):
            region (None | str | Unset):
            real_name_verified (bool | None | Unset):
    """

    phone: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    real_name_verified: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        real_name_verified: bool | None | Unset
        if isinstance(self.real_name_verified, Unset):
            real_name_verified = UNSET
        else:
            real_name_verified = self.real_name_verified

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if phone is not UNSET:
            field_dict["phone"] = phone
        if name is not UNSET:
            field_dict["name"] = name
        if region is not UNSET:
            field_dict["region"] = region
        if real_name_verified is not UNSET:
            field_dict["real_name_verified"] = real_name_verified

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_real_name_verified(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        real_name_verified = _parse_real_name_verified(d.pop("real_name_verified", UNSET))

        member_change = cls(
            phone=phone,
            name=name,
            region=region,
            real_name_verified=real_name_verified,
        )

        return member_change
