from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Converted")


@_attrs_define
class Converted:
    """
    Attributes:
        member (str):
        balance (str):
        into (str):
        paid (None | str | Unset):
        shares (None | str | Unset):
        points (None | str | Unset):
    """

    member: str
    balance: str
    into: str
    paid: None | str | Unset = UNSET
    shares: None | str | Unset = UNSET
    points: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        member = self.member

        balance = self.balance

        into = self.into

        paid: None | str | Unset
        if isinstance(self.paid, Unset):
            paid = UNSET
        else:
            paid = self.paid

        shares: None | str | Unset
        if isinstance(self.shares, Unset):
            shares = UNSET
        else:
            shares = self.shares

        points: None | str | Unset
        if isinstance(self.points, Unset):
            points = UNSET
        else:
            points = self.points

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "member": member,
                "balance": balance,
                "into": into,
            }
        )
        if paid is not UNSET:
            field_dict["paid"] = paid
        if shares is not UNSET:
            field_dict["shares"] = shares
        if points is not UNSET:
            field_dict["points"] = points

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        member = d.pop("member")

        balance = d.pop("balance")

        into = d.pop("into")

        def _parse_paid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        paid = _parse_paid(d.pop("paid", UNSET))

        def _parse_shares(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        shares = _parse_shares(d.pop("shares", UNSET))

        def _parse_points(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        points = _parse_points(d.pop("points", UNSET))

        converted = cls(
            member=member,
            balance=balance,
            into=into,
            paid=paid,
            shares=shares,
            points=points,
        )

        converted.additional_properties = d
        return converted

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
