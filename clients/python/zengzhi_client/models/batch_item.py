from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_item_error_type_0 import BatchItemErrorType0
    from ..models.order_view import OrderView


T = TypeVar("T", bound="BatchItem")


@_attrs_define
class BatchItem:
    """
    Attributes:
        id (str):
        outcome (str):
        order (None | OrderView | Unset):
        error (BatchItemErrorType0 | None | Unset):
    """

    id: str
    outcome: str
    order: None | OrderView | Unset = UNSET
    error: BatchItemErrorType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_item_error_type_0 import BatchItemErrorType0  # noqa: PLC0415
        from ..models.order_view import OrderView  # noqa: PLC0415

        id = self.id

        outcome = self.outcome

        order: dict[str, Any] | None | Unset
        if isinstance(self.order, Unset):
            order = UNSET
        elif isinstance(self.order, OrderView):
            order = self.order.to_dict()
        else:
            order = self.order

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, BatchItemErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "outcome": outcome,
            }
        )
        if order is not UNSET:
            field_dict["order"] = order
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_item_error_type_0 import BatchItemErrorType0  # noqa: PLC0415
        from ..models.order_view import OrderView  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        outcome = d.pop("outcome")

        def _parse_order(data: object) -> None | OrderView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                order_type_0 = OrderView.from_dict(data)

                return order_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderView | Unset, data)

        order = _parse_order(d.pop("order", UNSET))

        def _parse_error(data: object) -> BatchItemErrorType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = BatchItemErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchItemErrorType0 | None | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        batch_item = cls(
            id=id,
            outcome=outcome,
            order=order,
            error=error,
        )

        batch_item.additional_properties = d
        return batch_item

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
