from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PayoutView")


@_attrs_define
class PayoutView:
    """
    Attributes:
        withdrawal (str):
        out_no (str):
        adapter (str):
        attempt (int):
        outcome (str):
        detail (None | str):
        reference (None | str):
        sent_at (datetime.datetime):
        checked_at (datetime.datetime):
        status (str):
        package_info (None | str | Unset):
    """

    withdrawal: str
    out_no: str
    adapter: str
    attempt: int
    outcome: str
    detail: None | str
    reference: None | str
    sent_at: datetime.datetime
    checked_at: datetime.datetime
    status: str
    package_info: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        withdrawal = self.withdrawal

        out_no = self.out_no

        adapter = self.adapter

        attempt = self.attempt

        outcome = self.outcome

        detail: None | str
        detail = self.detail

        reference: None | str
        reference = self.reference

        sent_at = self.sent_at.isoformat()

        checked_at = self.checked_at.isoformat()

        status = self.status

        package_info: None | str | Unset
        if isinstance(self.package_info, Unset):
            package_info = UNSET
        else:
            package_info = self.package_info

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "withdrawal": withdrawal,
                "out_no": out_no,
                "adapter": adapter,
                "attempt": attempt,
                "outcome": outcome,
                "detail": detail,
                "reference": reference,
                "sent_at": sent_at,
                "checked_at": checked_at,
                "status": status,
            }
        )
        if package_info is not UNSET:
            field_dict["package_info"] = package_info

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        withdrawal = d.pop("withdrawal")

        out_no = d.pop("out_no")

        adapter = d.pop("adapter")

        attempt = d.pop("attempt")

        outcome = d.pop("outcome")

        def _parse_detail(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        detail = _parse_detail(d.pop("detail"))

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        sent_at = datetime.datetime.fromisoformat(d.pop("sent_at"))

        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))

        status = d.pop("status")

        def _parse_package_info(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        package_info = _parse_package_info(d.pop("package_info", UNSET))

        payout_view = cls(
            withdrawal=withdrawal,
            out_no=out_no,
            adapter=adapter,
            attempt=attempt,
            outcome=outcome,
            detail=detail,
            reference=reference,
            sent_at=sent_at,
            checked_at=checked_at,
            status=status,
            package_info=package_info,
        )

        payout_view.additional_properties = d
        return payout_view

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
