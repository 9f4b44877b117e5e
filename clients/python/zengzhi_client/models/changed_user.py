from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role
from ..types import UNSET, Unset

T = TypeVar("T", bound="ChangedUser")


@_attrs_define
class ChangedUser:
    """A changed user, and the API keys the change revoked: a user who can no longer
    manage keys (disabled, or no longer an owner) keeps none of those they made, whose
    tokens they saw.

        Attributes:
            username (str):
            role (Role):
            disabled (bool):
            created_at (datetime.datetime):
            keys_revoked (list[str] | Unset):
    """

    username: str
    role: Role
    disabled: bool
    created_at: datetime.datetime
    keys_revoked: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        role = self.role.value

        disabled = self.disabled

        created_at = self.created_at.isoformat()

        keys_revoked: list[str] | Unset = UNSET
        if not isinstance(self.keys_revoked, Unset):
            keys_revoked = self.keys_revoked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "username": username,
                "role": role,
                "disabled": disabled,
                "created_at": created_at,
            }
        )
        if keys_revoked is not UNSET:
            field_dict["keys_revoked"] = keys_revoked

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        username = d.pop("username")

        role = Role(d.pop("role"))

        disabled = d.pop("disabled")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        keys_revoked = cast(list[str], d.pop("keys_revoked", UNSET))

        changed_user = cls(
            username=username,
            role=role,
            disabled=disabled,
            created_at=created_at,
            keys_revoked=keys_revoked,
        )

        changed_user.additional_properties = d
        return changed_user

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
