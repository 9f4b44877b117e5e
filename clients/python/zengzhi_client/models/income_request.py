from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="IncomeRequest")


@_attrs_define
class IncomeRequest:
    """Third-party income (an advertiser's payment for its ads) into a mode's reserve.

    Attributes:
        id (str):
        mode (str):
        amount (str):
        source (str):
    """

    id: str
    mode: str
    amount: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        mode = self.mode

        amount = self.amount

        source = self.source

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "mode": mode,
                "amount": amount,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        mode = d.pop("mode")

        amount = d.pop("amount")

        source = d.pop("source")

        income_request = cls(
            id=id,
            mode=mode,
            amount=amount,
            source=source,
        )

        return income_request
