from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.role import Role

T = TypeVar("T", bound="NewUser")


@_attrs_define
class NewUser:
    """
    Attributes:
        username (str):
        password (str):
        role (Role):
    """

    username: str
    password: str
    role: Role

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        password = self.password

        role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "username": username,
                "password": password,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        username = d.pop("username")

        password = d.pop("password")

        role = Role(d.pop("role"))

        new_user = cls(
            username=username,
            password=password,
            role=role,
        )

        return new_user
