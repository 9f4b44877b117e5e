from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModeSolvency")


@_attrs_define
class ModeSolvency:
    """
    Attributes:
        zone (str):
        mode (str):
        owed (str):
        reserve (str):
        coverage (None | str):
        backed (bool):
        receivable (str | Unset):  Default: '0.00'.
    """

    zone: str
    mode: str
    owed: str
    reserve: str
    coverage: None | str
    backed: bool
    receivable: str | Unset = "0.00"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        zone = self.zone

        mode = self.mode

        owed = self.owed

        reserve = self.reserve

        coverage: None | str
        coverage = self.coverage

        backed = self.backed

        receivable = self.receivable

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "zone": zone,
                "mode": mode,
                "owed": owed,
                "reserve": reserve,
                "coverage": coverage,
                "backed": backed,
            }
        )
        if receivable is not UNSET:
            field_dict["receivable"] = receivable

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        zone = d.pop("zone")

        mode = d.pop("mode")

        owed = d.pop("owed")

        reserve = d.pop("reserve")

        def _parse_coverage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        coverage = _parse_coverage(d.pop("coverage"))

        backed = d.pop("backed")

        receivable = d.pop("receivable", UNSET)

        mode_solvency = cls(
            zone=zone,
            mode=mode,
            owed=owed,
            reserve=reserve,
            coverage=coverage,
            backed=backed,
            receivable=receivable,
        )

        mode_solvency.additional_properties = d
        return mode_solvency

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
