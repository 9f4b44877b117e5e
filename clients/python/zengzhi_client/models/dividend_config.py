from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.dividend_config_funding import DividendConfigFunding
from ..models.dividend_config_schedule import DividendConfigSchedule
from ..models.dividend_config_split import DividendConfigSplit
from ..types import UNSET, Unset

T = TypeVar("T", bound="DividendConfig")


@_attrs_define
class DividendConfig:
    """
    Attributes:
        name (str):
        share (str):
        schedule (DividendConfigSchedule | Unset):  Default: DividendConfigSchedule.DAILY.
        min_level (int | Unset):  Default: 1.
        split (DividendConfigSplit | Unset):  Default: DividendConfigSplit.EQUAL.
        funding (DividendConfigFunding | Unset):  Default: DividendConfigFunding.PROFIT.
    """

    name: str
    share: str
    schedule: DividendConfigSchedule | Unset = DividendConfigSchedule.DAILY
    min_level: int | Unset = 1
    split: DividendConfigSplit | Unset = DividendConfigSplit.EQUAL
    funding: DividendConfigFunding | Unset = DividendConfigFunding.PROFIT

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        share = self.share

        schedule: str | Unset = UNSET
        if not isinstance(self.schedule, Unset):
            schedule = self.schedule.value

        min_level = self.min_level

        split: str | Unset = UNSET
        if not isinstance(self.split, Unset):
            split = self.split.value

        funding: str | Unset = UNSET
        if not isinstance(self.funding, Unset):
            funding = self.funding.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "share": share,
            }
        )
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if min_level is not UNSET:
            field_dict["min_level"] = min_level
        if split is not UNSET:
            field_dict["split"] = split
        if funding is not UNSET:
            field_dict["funding"] = funding

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        share = d.pop("share")

        _schedule = d.pop("schedule", UNSET)
        schedule: DividendConfigSchedule | Unset
        if isinstance(_schedule, Unset):
            schedule = UNSET
        else:
            schedule = DividendConfigSchedule(_schedule)

        min_level = d.pop("min_level", UNSET)

        _split = d.pop("split", UNSET)
        split: DividendConfigSplit | Unset
        if isinstance(_split, Unset):
            split = UNSET
        else:
            split = DividendConfigSplit(_split)

        _funding = d.pop("funding", UNSET)
        funding: DividendConfigFunding | Unset
        if isinstance(_funding, Unset):
            funding = UNSET
        else:
            funding = DividendConfigFunding(_funding)

        dividend_config = cls(
            name=name,
            share=share,
            schedule=schedule,
            min_level=min_level,
            split=split,
            funding=funding,
        )

        return dividend_config
