from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.line_in import LineIn
    from ..models.new_order_modes_type_0 import NewOrderModesType0
    from ..models.split_in import SplitIn


T = TypeVar("T", bound="NewOrder")


@_attrs_define
class NewOrder:
    """
    Attributes:
        member (str):
        id (str):
        product (None | str | Unset):
        quantity (int | Unset):  Default: 1.
        amount (None | str | Unset):
        contribution (None | str | Unset):
        split (None | SplitIn | Unset):
        pool (None | str | Unset):
        zone (None | str | Unset):
        modes (NewOrderModesType0 | None | Unset):
        store (None | str | Unset):
        lines (list[LineIn] | None | Unset):
        region (None | str | Unset):
        shopping_points (None | str | Unset):
        currency (Literal['CNY'] | None | Unset):
        pay (bool | Unset): pay it too, in the same command Default: False.
    """

    member: str
    id: str
    product: None | str | Unset = UNSET
    quantity: int | Unset = 1
    amount: None | str | Unset = UNSET
    contribution: None | str | Unset = UNSET
    split: None | SplitIn | Unset = UNSET
    pool: None | str | Unset = UNSET
    zone: None | str | Unset = UNSET
    modes: NewOrderModesType0 | None | Unset = UNSET
    store: None | str | Unset = UNSET
    lines: list[LineIn] | None | Unset = UNSET
    region: None | str | Unset = UNSET
    shopping_points: None | str | Unset = UNSET
    currency: Literal["CNY"] | None | Unset = UNSET
    pay: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        from ..models.new_order_modes_type_0 import NewOrderModesType0  # noqa: PLC0415
        from ..models.split_in import SplitIn  # noqa: PLC0415

        member = self.member

        id = self.id

        product: None | str | Unset
        if isinstance(self.product, Unset):
            product = UNSET
        else:
            product = self.product

        quantity = self.quantity

        amount: None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        contribution: None | str | Unset
        if isinstance(self.contribution, Unset):
            contribution = UNSET
        else:
            contribution = self.contribution

        split: dict[str, Any] | None | Unset
        if isinstance(self.split, Unset):
            split = UNSET
        elif isinstance(self.split, SplitIn):
            split = self.split.to_dict()
        else:
            split = self.split

        pool: None | str | Unset
        if isinstance(self.pool, Unset):
            pool = UNSET
        else:
            pool = self.pool

        zone: None | str | Unset
        if isinstance(self.zone, Unset):
            zone = UNSET
        else:
            zone = self.zone

        modes: dict[str, Any] | None | Unset
        if isinstance(self.modes, Unset):
            modes = UNSET
        elif isinstance(self.modes, NewOrderModesType0):
            modes = self.modes.to_dict()
        else:
            modes = self.modes

        store: None | str | Unset
        if isinstance(self.store, Unset):
            store = UNSET
        else:
            store = self.store

        lines: list[dict[str, Any]] | None | Unset
        if isinstance(self.lines, Unset):
            lines = UNSET
        elif isinstance(self.lines, list):
            lines = []
            for lines_type_0_item_data in self.lines:
                lines_type_0_item = lines_type_0_item_data.to_dict()
                lines.append(lines_type_0_item)

        else:
            lines = self.lines

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        shopping_points: None | str | Unset
        if isinstance(self.shopping_points, Unset):
            shopping_points = UNSET
        else:
            shopping_points = self.shopping_points

        currency: Literal["CNY"] | None | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        pay = self.pay

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "member": member,
                "id": id,
            }
        )
        if product is not UNSET:
            field_dict["product"] = product
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if amount is not UNSET:
            field_dict["amount"] = amount
        if contribution is not UNSET:
            field_dict["contribution"] = contribution
        if split is not UNSET:
            field_dict["split"] = split
        if pool is not UNSET:
            field_dict["pool"] = pool
        if zone is not UNSET:
            field_dict["zone"] = zone
        if modes is not UNSET:
            field_dict["modes"] = modes
        if store is not UNSET:
            field_dict["store"] = store
        if lines is not UNSET:
            field_dict["lines"] = lines
        if region is not UNSET:
            field_dict["region"] = region
        if shopping_points is not UNSET:
            field_dict["shopping_points"] = shopping_points
        if currency is not UNSET:
            field_dict["currency"] = currency
        if pay is not UNSET:
            field_dict["pay"] = pay

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.line_in import LineIn  # noqa: PLC0415
        from ..models.new_order_modes_type_0 import NewOrderModesType0  # noqa: PLC0415
        from ..models.split_in import SplitIn  # noqa: PLC0415

        d = dict(src_dict)
        member = d.pop("member")

        id = d.pop("id")

        def _parse_product(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        product = _parse_product(d.pop("product", UNSET))

        quantity = d.pop("quantity", UNSET)

        def _parse_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        def _parse_contribution(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contribution = _parse_contribution(d.pop("contribution", UNSET))

        def _parse_split(data: object) -> None | SplitIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                split_type_0 = SplitIn.from_dict(data)

                return split_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SplitIn | Unset, data)

        split = _parse_split(d.pop("split", UNSET))

        def _parse_pool(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pool = _parse_pool(d.pop("pool", UNSET))

        def _parse_zone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        zone = _parse_zone(d.pop("zone", UNSET))

        def _parse_modes(data: object) -> NewOrderModesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                modes_type_0 = NewOrderModesType0.from_dict(data)

                return modes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NewOrderModesType0 | None | Unset, data)

        modes = _parse_modes(d.pop("modes", UNSET))

        def _parse_store(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store = _parse_store(d.pop("store", UNSET))

        def _parse_lines(data: object) -> list[LineIn] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                lines_type_0 = []
                _lines_type_0 = data
                for lines_type_0_item_data in _lines_type_0:
                    lines_type_0_item = LineIn.from_dict(lines_type_0_item_data)

                    lines_type_0.append(lines_type_0_item)

                return lines_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[LineIn] | None | Unset, data)

        lines = _parse_lines(d.pop("lines", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_shopping_points(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        shopping_points = _parse_shopping_points(d.pop("shopping_points", UNSET))

        def _parse_currency(data: object) -> Literal["CNY"] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            currency_type_0 = cast(Literal["CNY"], data)
            if currency_type_0 != "CNY":
                raise ValueError(f"currency_type_0 must match const 'CNY', got '{currency_type_0}'")
            return currency_type_0
            return cast(Literal["CNY"] | None | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        pay = d.pop("pay", UNSET)

        new_order = cls(
            member=member,
            id=id,
            product=product,
            quantity=quantity,
            amount=amount,
            contribution=contribution,
            split=split,
            pool=pool,
            zone=zone,
            modes=modes,
            store=store,
            lines=lines,
            region=region,
            shopping_points=shopping_points,
            currency=currency,
            pay=pay,
        )

        return new_order
