from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CampaignConfig")


@_attrs_define
class CampaignConfig:
    """
    Attributes:
        starts (datetime.datetime):
        ends (datetime.datetime):
        boost (str):
        points (bool | Unset):  Default: False.
    """

    starts: datetime.datetime
    ends: datetime.datetime
    boost: str
    points: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        starts = self.starts.isoformat()

        ends = self.ends.isoformat()

        boost = self.boost

        points = self.points

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "starts": starts,
                "ends": ends,
                "boost": boost,
            }
        )
        if points is not UNSET:
            field_dict["points"] = points

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        starts = datetime.datetime.fromisoformat(d.pop("starts"))

        ends = datetime.datetime.fromisoformat(d.pop("ends"))

        boost = d.pop("boost")

        points = d.pop("points", UNSET)

        campaign_config = cls(
            starts=starts,
            ends=ends,
            boost=boost,
            points=points,
        )

        return campaign_config
