from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WalletView")


@_attrs_define
class WalletView:
    """
    Attributes:
        member (str):
        balance (str):
        withdrawing (str):
        debt (str):
        contribution (str):
        contribution_debt (str):
    """

    member: str
    balance: str
    withdrawing: str
    debt: str
    contribution: str
    contribution_debt: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        member = self.member

        balance = self.balance

        withdrawing = self.withdrawing

        debt = self.debt

        contribution = self.contribution

        contribution_debt = self.contribution_debt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "member": member,
                "balance": balance,
                "withdrawing": withdrawing,
                "debt": debt,
                "contribution": contribution,
                "contribution_debt": contribution_debt,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        member = d.pop("member")

        balance = d.pop("balance")

        withdrawing = d.pop("withdrawing")

        debt = d.pop("debt")

        contribution = d.pop("contribution")

        contribution_debt = d.pop("contribution_debt")

        wallet_view = cls(
            member=member,
            balance=balance,
            withdrawing=withdrawing,
            debt=debt,
            contribution=contribution,
            contribution_debt=contribution_debt,
        )

        wallet_view.additional_properties = d
        return wallet_view

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
