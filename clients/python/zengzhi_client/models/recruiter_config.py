from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RecruiterConfig")


@_attrs_define
class RecruiterConfig:
    """
    Attributes:
        rate (str):
    """

    rate: str

    def to_dict(self) -> dict[str, Any]:
        rate = self.rate

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rate": rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rate = d.pop("rate")

        recruiter_config = cls(
            rate=rate,
        )

        return recruiter_config
