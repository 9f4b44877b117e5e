from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.line_in_modes_type_0 import LineInModesType0
    from ..models.split_in import SplitIn


T = TypeVar("T", bound="LineIn")


@_attrs_define
class LineIn:
    """One order line: a product (its split from the configuration, or `split` as given),
    an amount with its `contribution` or its whole `split`, or an amount at the order's
    store (the store's commission split).

        Attributes:
            product (None | str | Unset):
            quantity (int | Unset):  Default: 1.
            amount (None | str | Unset):
            contribution (None | str | Unset):
            split (None | SplitIn | Unset):
            pool (None | str | Unset):
            zone (None | str | Unset):
            modes (LineInModesType0 | None | Unset):
    """

    product: None | str | Unset = UNSET
    quantity: int | Unset = 1
    amount: None | str | Unset = UNSET
    contribution: None | str | Unset = UNSET
    split: None | SplitIn | Unset = UNSET
    pool: None | str | Unset = UNSET
    zone: None | str | Unset = UNSET
    modes: LineInModesType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.line_in_modes_type_0 import LineInModesType0  # noqa: PLC0415
        from ..models.split_in import SplitIn  # noqa: PLC0415

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
        elif isinstance(self.modes, LineInModesType0):
            modes = self.modes.to_dict()
        else:
            modes = self.modes

        field_dict: dict[str, Any] = {}

        field_dict.update({})
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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.line_in_modes_type_0 import LineInModesType0  # noqa: PLC0415
        from ..models.split_in import SplitIn  # noqa: PLC0415

        d = dict(src_dict)

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

        def _parse_modes(data: object) -> LineInModesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                modes_type_0 = LineInModesType0.from_dict(data)

                return modes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LineInModesType0 | None | Unset, data)

        modes = _parse_modes(d.pop("modes", UNSET))

        line_in = cls(
            product=product,
            quantity=quantity,
            amount=amount,
            contribution=contribution,
            split=split,
            pool=pool,
            zone=zone,
            modes=modes,
        )

        return line_in
