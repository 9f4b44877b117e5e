from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RefusalView")


@_attrs_define
class RefusalView:
    """
    Attributes:
        id (str):
        received_at (datetime.datetime):
        notification (None | str):
        reason (str):
        message (str):
        body (str):
    """

    id: str
    received_at: datetime.datetime
    notification: None | str
    reason: str
    message: str
    body: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        received_at = self.received_at.isoformat()

        notification: None | str
        notification = self.notification

        reason = self.reason

        message = self.message

        body = self.body

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "received_at": received_at,
                "notification": notification,
                "reason": reason,
                "message": message,
                "body": body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        def _parse_notification(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notification = _parse_notification(d.pop("notification"))

        reason = d.pop("reason")

        message = d.pop("message")

        body = d.pop("body")

        refusal_view = cls(
            id=id,
            received_at=received_at,
            notification=notification,
            reason=reason,
            message=message,
            body=body,
        )

        refusal_view.additional_properties = d
        return refusal_view

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
