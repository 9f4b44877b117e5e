from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.mode_solvency import ModeSolvency
    from ..models.pool_solvency import PoolSolvency


T = TypeVar("T", bound="Solvency")


@_attrs_define
class Solvency:
    """
    Attributes:
        pools (list[PoolSolvency]):
        owed_to_members (str):
        owed_by_members (str):
        owed_to_merchants (str):
        platform_cash (str):
        coverage (None | str):
        modes (list[ModeSolvency]):
    """

    pools: list[PoolSolvency]
    owed_to_members: str
    owed_by_members: str
    owed_to_merchants: str
    platform_cash: str
    coverage: None | str
    modes: list[ModeSolvency]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pools = []
        for pools_item_data in self.pools:
            pools_item = pools_item_data.to_dict()
            pools.append(pools_item)

        owed_to_members = self.owed_to_members

        owed_by_members = self.owed_by_members

        owed_to_merchants = self.owed_to_merchants

        platform_cash = self.platform_cash

        coverage: None | str
        coverage = self.coverage

        modes = []
        for modes_item_data in self.modes:
            modes_item = modes_item_data.to_dict()
            modes.append(modes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pools": pools,
                "owed_to_members": owed_to_members,
                "owed_by_members": owed_by_members,
                "owed_to_merchants": owed_to_merchants,
                "platform_cash": platform_cash,
                "coverage": coverage,
                "modes": modes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mode_solvency import ModeSolvency  # noqa: PLC0415
        from ..models.pool_solvency import PoolSolvency  # noqa: PLC0415

        d = dict(src_dict)
        pools = []
        _pools = d.pop("pools")
        for pools_item_data in _pools:
            pools_item = PoolSolvency.from_dict(pools_item_data)

            pools.append(pools_item)

        owed_to_members = d.pop("owed_to_members")

        owed_by_members = d.pop("owed_by_members")

        owed_to_merchants = d.pop("owed_to_merchants")

        platform_cash = d.pop("platform_cash")

        def _parse_coverage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        coverage = _parse_coverage(d.pop("coverage"))

        modes = []
        _modes = d.pop("modes")
        for modes_item_data in _modes:
            modes_item = ModeSolvency.from_dict(modes_item_data)

            modes.append(modes_item)

        solvency = cls(
            pools=pools,
            owed_to_members=owed_to_members,
            owed_by_members=owed_by_members,
            owed_to_merchants=owed_to_merchants,
            platform_cash=platform_cash,
            coverage=coverage,
            modes=modes,
        )

        solvency.additional_properties = d
        return solvency

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
