from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """
    Attributes:
        id (str):
        name (None | str):
        tenant (str):
        tenant_name (str):
        referral_link (None | str):
    """

    id: str
    name: None | str
    tenant: str
    tenant_name: str
    referral_link: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name: None | str
        name = self.name

        tenant = self.tenant

        tenant_name = self.tenant_name

        referral_link: None | str
        referral_link = self.referral_link

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "tenant": tenant,
                "tenant_name": tenant_name,
                "referral_link": referral_link,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        tenant = d.pop("tenant")

        tenant_name = d.pop("tenant_name")

        def _parse_referral_link(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        referral_link = _parse_referral_link(d.pop("referral_link"))

        me = cls(
            id=id,
            name=name,
            tenant=tenant,
            tenant_name=tenant_name,
            referral_link=referral_link,
        )

        me.additional_properties = d
        return me

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
