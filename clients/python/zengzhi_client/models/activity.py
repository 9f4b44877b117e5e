from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.tally import Tally


T = TypeVar("T", bound="Activity")


@_attrs_define
class Activity:
    """
    Attributes:
        since (datetime.datetime):
        orders (Tally):
        sales (Tally):
        exits (Tally):
        withdrawals_paid (Tally):
        subsidies (Tally):
    """

    since: datetime.datetime
    orders: Tally
    sales: Tally
    exits: Tally
    withdrawals_paid: Tally
    subsidies: Tally
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        since = self.since.isoformat()

        orders = self.orders.to_dict()

        sales = self.sales.to_dict()

        exits = self.exits.to_dict()

        withdrawals_paid = self.withdrawals_paid.to_dict()

        subsidies = self.subsidies.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "since": since,
                "orders": orders,
                "sales": sales,
                "exits": exits,
                "withdrawals_paid": withdrawals_paid,
                "subsidies": subsidies,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tally import Tally  # noqa: PLC0415

        d = dict(src_dict)
        since = datetime.datetime.fromisoformat(d.pop("since"))

        orders = Tally.from_dict(d.pop("orders"))

        sales = Tally.from_dict(d.pop("sales"))

        exits = Tally.from_dict(d.pop("exits"))

        withdrawals_paid = Tally.from_dict(d.pop("withdrawals_paid"))

        subsidies = Tally.from_dict(d.pop("subsidies"))

        activity = cls(
            since=since,
            orders=orders,
            sales=sales,
            exits=exits,
            withdrawals_paid=withdrawals_paid,
            subsidies=subsidies,
        )

        activity.additional_properties = d
        return activity

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
