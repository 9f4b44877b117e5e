from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AdapterView")


@_attrs_define
class AdapterView:
    """
    Attributes:
        adapter (str):
        payout_url (None | str):
        tolerance_seconds (int):
        notification_url (str):
        merchant (None | str | Unset):
        secret (None | str | Unset):
    """

    adapter: str
    payout_url: None | str
    tolerance_seconds: int
    notification_url: str
    merchant: None | str | Unset = UNSET
    secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        adapter = self.adapter

        payout_url: None | str
        payout_url = self.payout_url

        tolerance_seconds = self.tolerance_seconds

        notification_url = self.notification_url

        merchant: None | str | Unset
        if isinstance(self.merchant, Unset):
            merchant = UNSET
        else:
            merchant = self.merchant

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "adapter": adapter,
                "payout_url": payout_url,
                "tolerance_seconds": tolerance_seconds,
                "notification_url": notification_url,
            }
        )
        if merchant is not UNSET:
            field_dict["merchant"] = merchant
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        adapter = d.pop("adapter")

        def _parse_payout_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payout_url = _parse_payout_url(d.pop("payout_url"))

        tolerance_seconds = d.pop("tolerance_seconds")

        notification_url = d.pop("notification_url")

        def _parse_merchant(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        merchant = _parse_merchant(d.pop("merchant", UNSET))

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        adapter_view = cls(
            adapter=adapter,
            payout_url=payout_url,
            tolerance_seconds=tolerance_seconds,
            notification_url=notification_url,
            merchant=merchant,
            secret=secret,
        )

        adapter_view.additional_properties = d
        return adapter_view

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
