from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.conversion_into import ConversionInto
from ..types import UNSET, Unset

T = TypeVar("T", bound="Conversion")


@_attrs_define
class Conversion:
    """The operator converts contribution balances (贡献分) at a stated rate.

    Attributes:
        id (str): the conversion's own id: a repeat applies once
        into (ConversionInto):
        rate (str): yuan a yuan (cash, points) or shares a yuan (shares)
        reason (str):
        members (list[str] | Unset): []: all
        pool (None | str | Unset): into points: the pool that mints
    """

    id: str
    into: ConversionInto
    rate: str
    reason: str
    members: list[str] | Unset = UNSET
    pool: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        into = self.into.value

        rate = self.rate

        reason = self.reason

        members: list[str] | Unset = UNSET
        if not isinstance(self.members, Unset):
            members = self.members

        pool: None | str | Unset
        if isinstance(self.pool, Unset):
            pool = UNSET
        else:
            pool = self.pool

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "into": into,
                "rate": rate,
                "reason": reason,
            }
        )
        if members is not UNSET:
            field_dict["members"] = members
        if pool is not UNSET:
            field_dict["pool"] = pool

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        into = ConversionInto(d.pop("into"))

        rate = d.pop("rate")

        reason = d.pop("reason")

        members = cast(list[str], d.pop("members", UNSET))

        def _parse_pool(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pool = _parse_pool(d.pop("pool", UNSET))

        conversion = cls(
            id=id,
            into=into,
            rate=rate,
            reason=reason,
            members=members,
            pool=pool,
        )

        return conversion
