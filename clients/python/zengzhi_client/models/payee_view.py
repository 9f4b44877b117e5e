from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PayeeView")


@_attrs_define
class PayeeView:
    """
    Attributes:
        member (str):
        method (str):
        real_name (str):
        account (str):
        real_name_verified (bool):
        updated_at (datetime.datetime):
    """

    member: str
    method: str
    real_name: str
    account: str
    real_name_verified: bool
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        member = self.member

        method = self.method

        real_name = self.real_name

        account = self.account

        real_name_verified = self.real_name_verified

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "member": member,
                "method": method,
                "real_name": real_name,
                "account": account,
                "real_name_verified": real_name_verified,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        member = d.pop("member")

        method = d.pop("method")

        real_name = d.pop("real_name")

        account = d.pop("account")

        real_name_verified = d.pop("real_name_verified")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        payee_view = cls(
            member=member,
            method=method,
            real_name=real_name,
            account=account,
            real_name_verified=real_name_verified,
            updated_at=updated_at,
        )

        payee_view.additional_properties = d
        return payee_view

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
