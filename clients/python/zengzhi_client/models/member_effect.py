from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.compared import Compared


T = TypeVar("T", bound="MemberEffect")


@_attrs_define
class MemberEffect:
    """
    Attributes:
        member (str):
        received (Compared):
        points_value (Compared):
        value (Compared):
        exits (Compared):
    """

    member: str
    received: Compared
    points_value: Compared
    value: Compared
    exits: Compared
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        member = self.member

        received = self.received.to_dict()

        points_value = self.points_value.to_dict()

        value = self.value.to_dict()

        exits = self.exits.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "member": member,
                "received": received,
                "points_value": points_value,
                "value": value,
                "exits": exits,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.compared import Compared  # noqa: PLC0415

        d = dict(src_dict)
        member = d.pop("member")

        received = Compared.from_dict(d.pop("received"))

        points_value = Compared.from_dict(d.pop("points_value"))

        value = Compared.from_dict(d.pop("value"))

        exits = Compared.from_dict(d.pop("exits"))

        member_effect = cls(
            member=member,
            received=received,
            points_value=points_value,
            value=value,
            exits=exits,
        )

        member_effect.additional_properties = d
        return member_effect

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
