from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.ads_config_agents_mode import AdsConfigAgentsMode
from ..models.ads_config_rule import AdsConfigRule
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.ads_config_agents import AdsConfigAgents
    from ..models.tier_config import TierConfig


T = TypeVar("T", bound="AdsConfig")


@_attrs_define
class AdsConfig:
    """
    Attributes:
        starts (datetime.datetime | None | Unset):
        ends (datetime.datetime | None | Unset):
        funding (None | str | Unset):
        backed (bool | Unset):  Default: False.
        ratio (str | Unset):  Default: '1.1'.
        rule (AdsConfigRule | Unset):  Default: AdsConfigRule.PERCENT.
        percent (str | Unset):  Default: '0.01'.
        tiers (list[TierConfig] | Unset):
        referral (list[str] | Unset):
        agents (AdsConfigAgents | Unset):
        agents_mode (AdsConfigAgentsMode | Unset):  Default: AdsConfigAgentsMode.FLAT.
    """

    starts: datetime.datetime | None | Unset = UNSET
    ends: datetime.datetime | None | Unset = UNSET
    funding: None | str | Unset = UNSET
    backed: bool | Unset = False
    ratio: str | Unset = "1.1"
    rule: AdsConfigRule | Unset = AdsConfigRule.PERCENT
    percent: str | Unset = "0.01"
    tiers: list[TierConfig] | Unset = UNSET
    referral: list[str] | Unset = UNSET
    agents: AdsConfigAgents | Unset = UNSET
    agents_mode: AdsConfigAgentsMode | Unset = AdsConfigAgentsMode.FLAT

    def to_dict(self) -> dict[str, Any]:
        starts: None | str | Unset
        if isinstance(self.starts, Unset):
            starts = UNSET
        elif isinstance(self.starts, datetime.datetime):
            starts = self.starts.isoformat()
        else:
            starts = self.starts

        ends: None | str | Unset
        if isinstance(self.ends, Unset):
            ends = UNSET
        elif isinstance(self.ends, datetime.datetime):
            ends = self.ends.isoformat()
        else:
            ends = self.ends

        funding: None | str | Unset
        if isinstance(self.funding, Unset):
            funding = UNSET
        else:
            funding = self.funding

        backed = self.backed

        ratio = self.ratio

        rule: str | Unset = UNSET
        if not isinstance(self.rule, Unset):
            rule = self.rule.value

        percent = self.percent

        tiers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tiers, Unset):
            tiers = []
            for tiers_item_data in self.tiers:
                tiers_item = tiers_item_data.to_dict()
                tiers.append(tiers_item)

        referral: list[str] | Unset = UNSET
        if not isinstance(self.referral, Unset):
            referral = self.referral

        agents: dict[str, Any] | Unset = UNSET
        if not isinstance(self.agents, Unset):
            agents = self.agents.to_dict()

        agents_mode: str | Unset = UNSET
        if not isinstance(self.agents_mode, Unset):
            agents_mode = self.agents_mode.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if starts is not UNSET:
            field_dict["starts"] = starts
        if ends is not UNSET:
            field_dict["ends"] = ends
        if funding is not UNSET:
            field_dict["funding"] = funding
        if backed is not UNSET:
            field_dict["backed"] = backed
        if ratio is not UNSET:
            field_dict["ratio"] = ratio
        if rule is not UNSET:
            field_dict["rule"] = rule
        if percent is not UNSET:
            field_dict["percent"] = percent
        if tiers is not UNSET:
            field_dict["tiers"] = tiers
        if referral is not UNSET:
            field_dict["referral"] = referral
        if agents is not UNSET:
            field_dict["agents"] = agents
        if agents_mode is not UNSET:
            field_dict["agents_mode"] = agents_mode

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ads_config_agents import AdsConfigAgents  # noqa: PLC0415
        from ..models.tier_config import TierConfig  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_starts(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_type_0 = datetime.datetime.fromisoformat(data)

                return starts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        starts = _parse_starts(d.pop("starts", UNSET))

        def _parse_ends(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_type_0 = datetime.datetime.fromisoformat(data)

                return ends_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        ends = _parse_ends(d.pop("ends", UNSET))

        def _parse_funding(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        funding = _parse_funding(d.pop("funding", UNSET))

        backed = d.pop("backed", UNSET)

        ratio = d.pop("ratio", UNSET)

        _rule = d.pop("rule", UNSET)
        rule: AdsConfigRule | Unset
        if isinstance(_rule, Unset):
            rule = UNSET
        else:
            rule = AdsConfigRule(_rule)

        percent = d.pop("percent", UNSET)

        _tiers = d.pop("tiers", UNSET)
        tiers: list[TierConfig] | Unset = UNSET
        if _tiers is not UNSET:
            tiers = []
            for tiers_item_data in _tiers:
                tiers_item = TierConfig.from_dict(tiers_item_data)

                tiers.append(tiers_item)

        referral = cast(list[str], d.pop("referral", UNSET))

        _agents = d.pop("agents", UNSET)
        agents: AdsConfigAgents | Unset
        if isinstance(_agents, Unset):
            agents = UNSET
        else:
            agents = AdsConfigAgents.from_dict(_agents)

        _agents_mode = d.pop("agents_mode", UNSET)
        agents_mode: AdsConfigAgentsMode | Unset
        if isinstance(_agents_mode, Unset):
            agents_mode = UNSET
        else:
            agents_mode = AdsConfigAgentsMode(_agents_mode)

        ads_config = cls(
            starts=starts,
            ends=ends,
            funding=funding,
            backed=backed,
            ratio=ratio,
            rule=rule,
            percent=percent,
            tiers=tiers,
            referral=referral,
            agents=agents,
            agents_mode=agents_mode,
        )

        return ads_config
