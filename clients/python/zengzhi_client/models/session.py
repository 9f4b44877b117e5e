from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="Session")


@_attrs_define
class Session:
    """
    Attributes:
        token (str):
        tenant (str):
        username (str):
        role (Role):
        expires_in_minutes (int):
    """

    token: str
    tenant: str
    username: str
    role: Role
    expires_in_minutes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        tenant = self.tenant

        username = self.username

        role = self.role.value

        expires_in_minutes = self.expires_in_minutes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "token": token,
                "tenant": tenant,
                "username": username,
                "role": role,
                "expires_in_minutes": expires_in_minutes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        tenant = d.pop("tenant")

        username = d.pop("username")

        role = Role(d.pop("role"))

        expires_in_minutes = d.pop("expires_in_minutes")

        session = cls(
            token=token,
            tenant=tenant,
            username=username,
            role=role,
            expires_in_minutes=expires_in_minutes,
        )

        session.additional_properties = d
        return session

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
