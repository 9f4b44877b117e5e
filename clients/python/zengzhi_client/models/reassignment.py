from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Reassignment")


@_attrs_define
class Reassignment:
    """
    Attributes:
        referrer (str):
        reason (str):
    """

    referrer: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        referrer = self.referrer

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "referrer": referrer,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        referrer = d.pop("referrer")

        reason = d.pop("reason")

        reassignment = cls(
            referrer=referrer,
            reason=reason,
        )

        return reassignment
