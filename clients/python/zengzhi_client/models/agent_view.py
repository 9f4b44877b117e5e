from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AgentView")


@_attrs_define
class AgentView:
    """
    Attributes:
        region (str):
        level (str):
        member (str):
        fee (str):
        granted_at (datetime.datetime):
    """

    region: str
    level: str
    member: str
    fee: str
    granted_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        region = self.region

        level = self.level

        member = self.member

        fee = self.fee

        granted_at = self.granted_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "region": region,
                "level": level,
                "member": member,
                "fee": fee,
                "granted_at": granted_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        region = d.pop("region")

        level = d.pop("level")

        member = d.pop("member")

        fee = d.pop("fee")

        granted_at = datetime.datetime.fromisoformat(d.pop("granted_at"))

        agent_view = cls(
            region=region,
            level=level,
            member=member,
            fee=fee,
            granted_at=granted_at,
        )

        agent_view.additional_properties = d
        return agent_view

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
