from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.movement_params import MovementParams


T = TypeVar("T", bound="Movement")


@_attrs_define
class Movement:
    """
    Attributes:
        entry (int):
        at (datetime.datetime):
        kind (str):
        cause (str):
        amount (str):
        params (MovementParams):
    """

    entry: int
    at: datetime.datetime
    kind: str
    cause: str
    amount: str
    params: MovementParams
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry = self.entry

        at = self.at.isoformat()

        kind = self.kind

        cause = self.cause

        amount = self.amount

        params = self.params.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry": entry,
                "at": at,
                "kind": kind,
                "cause": cause,
                "amount": amount,
                "params": params,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.movement_params import MovementParams  # noqa: PLC0415

        d = dict(src_dict)
        entry = d.pop("entry")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        kind = d.pop("kind")

        cause = d.pop("cause")

        amount = d.pop("amount")

        params = MovementParams.from_dict(d.pop("params"))

        movement = cls(
            entry=entry,
            at=at,
            kind=kind,
            cause=cause,
            amount=amount,
            params=params,
        )

        movement.additional_properties = d
        return movement

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
