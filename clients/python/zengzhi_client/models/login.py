from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Login")


@_attrs_define
class Login:
    """
    Attributes:
        tenant (str):
        username (str):
        password (str):
    """

    tenant: str
    username: str
    password: str

    def to_dict(self) -> dict[str, Any]:
        tenant = self.tenant

        username = self.username

        password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "tenant": tenant,
                "username": username,
                "password": password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tenant = d.pop("tenant")

        username = d.pop("username")

        password = d.pop("password")

        login = cls(
            tenant=tenant,
            username=username,
            password=password,
        )

        return login
