from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.line_view import LineView
    from ..models.order_view_points import OrderViewPoints


T = TypeVar("T", bound="OrderView")


@_attrs_define
class OrderView:
    """
    Attributes:
        id (str):
        member (str):
        store (None | str):
        status (str):
        amount (str):
        lines (list[LineView]):
        return_window_seconds (int):
        created_at (datetime.datetime):
        paid_at (datetime.datetime | None):
        due_at (datetime.datetime | None):
        completed_at (datetime.datetime | None):
        closed_at (datetime.datetime | None):
        reversed_by (None | str):
        points (OrderViewPoints):
        shopping_points (str):
    """

    id: str
    member: str
    store: None | str
    status: str
    amount: str
    lines: list[LineView]
    return_window_seconds: int
    created_at: datetime.datetime
    paid_at: datetime.datetime | None
    due_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    reversed_by: None | str
    points: OrderViewPoints
    shopping_points: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        member = self.member

        store: None | str
        store = self.store

        status = self.status

        amount = self.amount

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        return_window_seconds = self.return_window_seconds

        created_at = self.created_at.isoformat()

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        due_at: None | str
        if isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        closed_at: None | str
        if isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        reversed_by: None | str
        reversed_by = self.reversed_by

        points = self.points.to_dict()

        shopping_points = self.shopping_points

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "member": member,
                "store": store,
                "status": status,
                "amount": amount,
                "lines": lines,
                "return_window_seconds": return_window_seconds,
                "created_at": created_at,
                "paid_at": paid_at,
                "due_at": due_at,
                "completed_at": completed_at,
                "closed_at": closed_at,
                "reversed_by": reversed_by,
                "points": points,
                "shopping_points": shopping_points,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.line_view import LineView  # noqa: PLC0415
        from ..models.order_view_points import OrderViewPoints  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        member = d.pop("member")

        def _parse_store(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        store = _parse_store(d.pop("store"))

        status = d.pop("status")

        amount = d.pop("amount")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = LineView.from_dict(lines_item_data)

            lines.append(lines_item)

        return_window_seconds = d.pop("return_window_seconds")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        def _parse_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)

                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        due_at = _parse_due_at(d.pop("due_at"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        def _parse_closed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closed_at = _parse_closed_at(d.pop("closed_at"))

        def _parse_reversed_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reversed_by = _parse_reversed_by(d.pop("reversed_by"))

        points = OrderViewPoints.from_dict(d.pop("points"))

        shopping_points = d.pop("shopping_points")

        order_view = cls(
            id=id,
            member=member,
            store=store,
            status=status,
            amount=amount,
            lines=lines,
            return_window_seconds=return_window_seconds,
            created_at=created_at,
            paid_at=paid_at,
            due_at=due_at,
            completed_at=completed_at,
            closed_at=closed_at,
            reversed_by=reversed_by,
            points=points,
            shopping_points=shopping_points,
        )

        order_view.additional_properties = d
        return order_view

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
