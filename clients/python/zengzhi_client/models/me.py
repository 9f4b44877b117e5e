from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.me_pool_names import MePoolNames


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
        pool_names (MePoolNames | Unset):
    """

    id: str
    name: None | str
    tenant: str
    tenant_name: str
    referral_link: None | str
    pool_names: MePoolNames | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name: None | str
        name = self.name

        tenant = self.tenant

        tenant_name = self.tenant_name

        referral_link: None | str
        referral_link = self.referral_link

        pool_names: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pool_names, Unset):
            pool_names = self.pool_names.to_dict()

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
        if pool_names is not UNSET:
            field_dict["pool_names"] = pool_names

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.me_pool_names import MePoolNames  # noqa: PLC0415

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

        _pool_names = d.pop("pool_names", UNSET)
        pool_names: MePoolNames | Unset
        if isinstance(_pool_names, Unset):
            pool_names = UNSET
        else:
            pool_names = MePoolNames.from_dict(_pool_names)

        me = cls(
            id=id,
            name=name,
            tenant=tenant,
            tenant_name=tenant_name,
            referral_link=referral_link,
            pool_names=pool_names,
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
