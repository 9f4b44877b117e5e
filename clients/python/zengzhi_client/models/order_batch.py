from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.new_order import NewOrder


T = TypeVar("T", bound="OrderBatch")


@_attrs_define
class OrderBatch:
    """Many new orders in one request; each is its own command, applied once by its id.

    Attributes:
        orders (list[NewOrder]):
        pay (bool | Unset): pay each order once created Default: False.
    """

    orders: list[NewOrder]
    pay: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        pay = self.pay

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "orders": orders,
            }
        )
        if pay is not UNSET:
            field_dict["pay"] = pay

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.new_order import NewOrder  # noqa: PLC0415

        d = dict(src_dict)
        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = NewOrder.from_dict(orders_item_data)

            orders.append(orders_item)

        pay = d.pop("pay", UNSET)

        order_batch = cls(
            orders=orders,
            pay=pay,
        )

        return order_batch
