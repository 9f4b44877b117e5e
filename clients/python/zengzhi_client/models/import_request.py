from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ImportRequest")


@_attrs_define
class ImportRequest:
    """A member's balance from the platform's old system (spec 01, legacy balances).

    Attributes:
        id (str): the request's own id: a repeat applies once
        member (str):
        principal (str): what the platform owes the member, yuan
        contribution (str): what the operator funds into the pool, yuan
        reason (None | str | Unset):
    """

    id: str
    member: str
    principal: str
    contribution: str
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        member = self.member

        principal = self.principal

        contribution = self.contribution

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "member": member,
                "principal": principal,
                "contribution": contribution,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        member = d.pop("member")

        principal = d.pop("principal")

        contribution = d.pop("contribution")

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        import_request = cls(
            id=id,
            member=member,
            principal=principal,
            contribution=contribution,
            reason=reason,
        )

        return import_request
