from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewAgent")


@_attrs_define
class NewAgent:
    """
    Attributes:
        id (str): the sale's own id: a repeat applies once
        member (str):
        region (str): "province/city/district", or an area
        level (str):
        fee (str | Unset):  Default: '0'.
    """

    id: str
    member: str
    region: str
    level: str
    fee: str | Unset = "0"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        member = self.member

        region = self.region

        level = self.level

        fee = self.fee

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "member": member,
                "region": region,
                "level": level,
            }
        )
        if fee is not UNSET:
            field_dict["fee"] = fee

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        member = d.pop("member")

        region = d.pop("region")

        level = d.pop("level")

        fee = d.pop("fee", UNSET)

        new_agent = cls(
            id=id,
            member=member,
            region=region,
            level=level,
            fee=fee,
        )

        return new_agent
