from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskDone")


@_attrs_define
class TaskDone:
    """The integrator's word that a member did a day's ad task (mode B).

    Attributes:
        zone (str):
        day (datetime.date):
        proof (str | Unset):  Default: ''.
    """

    zone: str
    day: datetime.date
    proof: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        zone = self.zone

        day = self.day.isoformat()

        proof = self.proof

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "zone": zone,
                "day": day,
            }
        )
        if proof is not UNSET:
            field_dict["proof"] = proof

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        zone = d.pop("zone")

        day = datetime.date.fromisoformat(d.pop("day"))

        proof = d.pop("proof", UNSET)

        task_done = cls(
            zone=zone,
            day=day,
            proof=proof,
        )

        return task_done
