from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebhookEventView")


@_attrs_define
class WebhookEventView:
    """
    Attributes:
        id (str):
        sequence (int):
        type_ (str):
        member (None | str):
        at (datetime.datetime):
        body (str):
    """

    id: str
    sequence: int
    type_: str
    member: None | str
    at: datetime.datetime
    body: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        sequence = self.sequence

        type_ = self.type_

        member: None | str
        member = self.member

        at = self.at.isoformat()

        body = self.body

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "sequence": sequence,
                "type": type_,
                "member": member,
                "at": at,
                "body": body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        sequence = d.pop("sequence")

        type_ = d.pop("type")

        def _parse_member(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        member = _parse_member(d.pop("member"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        body = d.pop("body")

        webhook_event_view = cls(
            id=id,
            sequence=sequence,
            type_=type_,
            member=member,
            at=at,
            body=body,
        )

        webhook_event_view.additional_properties = d
        return webhook_event_view

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
