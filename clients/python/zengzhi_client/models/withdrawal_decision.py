from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="WithdrawalDecision")


@_attrs_define
class WithdrawalDecision:
    """Finance's rejection of a withdrawal, with the reason the member is shown.

    Attributes:
        reason (str): why: shown to the member (required, and more than spaces)
    """

    reason: str

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason")

        withdrawal_decision = cls(
            reason=reason,
        )

        return withdrawal_decision
