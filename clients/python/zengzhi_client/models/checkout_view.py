from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CheckoutView")


@_attrs_define
class CheckoutView:
    """
    Attributes:
        order (str):
        adapter (str):
        amount (str):
        code_url (str):
    """

    order: str
    adapter: str
    amount: str
    code_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order = self.order

        adapter = self.adapter

        amount = self.amount

        code_url = self.code_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order": order,
                "adapter": adapter,
                "amount": amount,
                "code_url": code_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order = d.pop("order")

        adapter = d.pop("adapter")

        amount = d.pop("amount")

        code_url = d.pop("code_url")

        checkout_view = cls(
            order=order,
            adapter=adapter,
            amount=amount,
            code_url=code_url,
        )

        checkout_view.additional_properties = d
        return checkout_view

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
