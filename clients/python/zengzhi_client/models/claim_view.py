from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClaimView")


@_attrs_define
class ClaimView:
    """
    Attributes:
        seq (int):
        amount (str):
        owed (str):
        daily (None | str): what the claim releases a day at most, for a claim paid by the day: green points (the
            order's own release; accelerations from referees' releases come on top) and a refer-three refund paid over days
            (its larger daily share). null for a claim not paid by the day: a refer-three refund paid at once (paid as soon
            as the mode's reserve holds it), a union credit, a quota, a three-for-one subsidy, shopping points
        payable_on (datetime.date | None):
        place (int | None | Unset):
        ahead (None | str | Unset):
        expected_on (datetime.date | None | Unset):
    """

    seq: int
    amount: str
    owed: str
    daily: None | str
    payable_on: datetime.date | None
    place: int | None | Unset = UNSET
    ahead: None | str | Unset = UNSET
    expected_on: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        amount = self.amount

        owed = self.owed

        daily: None | str
        daily = self.daily

        payable_on: None | str
        if isinstance(self.payable_on, datetime.date):
            payable_on = self.payable_on.isoformat()
        else:
            payable_on = self.payable_on

        place: int | None | Unset
        if isinstance(self.place, Unset):
            place = UNSET
        else:
            place = self.place

        ahead: None | str | Unset
        if isinstance(self.ahead, Unset):
            ahead = UNSET
        else:
            ahead = self.ahead

        expected_on: None | str | Unset
        if isinstance(self.expected_on, Unset):
            expected_on = UNSET
        elif isinstance(self.expected_on, datetime.date):
            expected_on = self.expected_on.isoformat()
        else:
            expected_on = self.expected_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "amount": amount,
                "owed": owed,
                "daily": daily,
                "payable_on": payable_on,
            }
        )
        if place is not UNSET:
            field_dict["place"] = place
        if ahead is not UNSET:
            field_dict["ahead"] = ahead
        if expected_on is not UNSET:
            field_dict["expected_on"] = expected_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seq = d.pop("seq")

        amount = d.pop("amount")

        owed = d.pop("owed")

        def _parse_daily(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        daily = _parse_daily(d.pop("daily"))

        def _parse_payable_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                payable_on_type_0 = datetime.date.fromisoformat(data)

                return payable_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        payable_on = _parse_payable_on(d.pop("payable_on"))

        def _parse_place(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        place = _parse_place(d.pop("place", UNSET))

        def _parse_ahead(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ahead = _parse_ahead(d.pop("ahead", UNSET))

        def _parse_expected_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_on_type_0 = datetime.date.fromisoformat(data)

                return expected_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        expected_on = _parse_expected_on(d.pop("expected_on", UNSET))

        claim_view = cls(
            seq=seq,
            amount=amount,
            owed=owed,
            daily=daily,
            payable_on=payable_on,
            place=place,
            ahead=ahead,
            expected_on=expected_on,
        )

        claim_view.additional_properties = d
        return claim_view

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
