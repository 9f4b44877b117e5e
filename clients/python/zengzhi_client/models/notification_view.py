from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.notification_view_body import NotificationViewBody


T = TypeVar("T", bound="NotificationView")


@_attrs_define
class NotificationView:
    """
    Attributes:
        id (str):
        type_ (str):
        target (str):
        received_at (datetime.datetime):
        body (NotificationViewBody):
    """

    id: str
    type_: str
    target: str
    received_at: datetime.datetime
    body: NotificationViewBody
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        target = self.target

        received_at = self.received_at.isoformat()

        body = self.body.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "target": target,
                "received_at": received_at,
                "body": body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.notification_view_body import NotificationViewBody  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        target = d.pop("target")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        body = NotificationViewBody.from_dict(d.pop("body"))

        notification_view = cls(
            id=id,
            type_=type_,
            target=target,
            received_at=received_at,
            body=body,
        )

        notification_view.additional_properties = d
        return notification_view

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
