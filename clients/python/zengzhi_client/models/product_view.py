from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.product_view_modes import ProductViewModes


T = TypeVar("T", bound="ProductView")


@_attrs_define
class ProductView:
    """
    Attributes:
        price (str):
        id (str):
        name (None | str | Unset):
        cost (str | Unset):  Default: '0'.
        distribution (str | Unset):  Default: '0'.
        platform (str | Unset):  Default: '0'.
        contribution (str | Unset):  Default: '0'.
        zone (None | str | Unset):
        pool (None | str | Unset):
        modes (ProductViewModes | Unset):
    """

    price: str
    id: str
    name: None | str | Unset = UNSET
    cost: str | Unset = "0"
    distribution: str | Unset = "0"
    platform: str | Unset = "0"
    contribution: str | Unset = "0"
    zone: None | str | Unset = UNSET
    pool: None | str | Unset = UNSET
    modes: ProductViewModes | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        price = self.price

        id = self.id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        cost = self.cost

        distribution = self.distribution

        platform = self.platform

        contribution = self.contribution

        zone: None | str | Unset
        if isinstance(self.zone, Unset):
            zone = UNSET
        else:
            zone = self.zone

        pool: None | str | Unset
        if isinstance(self.pool, Unset):
            pool = UNSET
        else:
            pool = self.pool

        modes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.modes, Unset):
            modes = self.modes.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "price": price,
                "id": id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if cost is not UNSET:
            field_dict["cost"] = cost
        if distribution is not UNSET:
            field_dict["distribution"] = distribution
        if platform is not UNSET:
            field_dict["platform"] = platform
        if contribution is not UNSET:
            field_dict["contribution"] = contribution
        if zone is not UNSET:
            field_dict["zone"] = zone
        if pool is not UNSET:
            field_dict["pool"] = pool
        if modes is not UNSET:
            field_dict["modes"] = modes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.product_view_modes import ProductViewModes  # noqa: PLC0415

        d = dict(src_dict)
        price = d.pop("price")

        id = d.pop("id")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        cost = d.pop("cost", UNSET)

        distribution = d.pop("distribution", UNSET)

        platform = d.pop("platform", UNSET)

        contribution = d.pop("contribution", UNSET)

        def _parse_zone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        zone = _parse_zone(d.pop("zone", UNSET))

        def _parse_pool(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pool = _parse_pool(d.pop("pool", UNSET))

        _modes = d.pop("modes", UNSET)
        modes: ProductViewModes | Unset
        if isinstance(_modes, Unset):
            modes = UNSET
        else:
            modes = ProductViewModes.from_dict(_modes)

        product_view = cls(
            price=price,
            id=id,
            name=name,
            cost=cost,
            distribution=distribution,
            platform=platform,
            contribution=contribution,
            zone=zone,
            pool=pool,
            modes=modes,
        )

        return product_view
