from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SubscriptionIn")


@_attrs_define
class SubscriptionIn:
    """
    Attributes:
        url (str): where events are POSTed (http or https)
        event_types (list[str]): types to receive: "order.completed", "withdrawal.*", or "*" for all
    """

    url: str
    event_types: list[str]

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        event_types = self.event_types

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "event_types": event_types,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        event_types = cast(list[str], d.pop("event_types"))

        subscription_in = cls(
            url=url,
            event_types=event_types,
        )

        return subscription_in
