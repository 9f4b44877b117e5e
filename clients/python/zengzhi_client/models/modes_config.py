from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.ads_config import AdsConfig
    from ..models.campaign_config import CampaignConfig
    from ..models.green_config import GreenConfig
    from ..models.quota_config import QuotaConfig
    from ..models.refer_three_config import ReferThreeConfig
    from ..models.requires_config import RequiresConfig
    from ..models.shopping_config import ShoppingConfig
    from ..models.three_for_one_config import ThreeForOneConfig
    from ..models.union_config import UnionConfig


T = TypeVar("T", bound="ModesConfig")


@_attrs_define
class ModesConfig:
    """A zone's modes (each optional) and issuance control.

    Attributes:
        refer_three (None | ReferThreeConfig | Unset):
        ads (AdsConfig | None | Unset):
        quota (None | QuotaConfig | Unset):
        green (GreenConfig | None | Unset):
        union (None | UnionConfig | Unset):
        three_for_one (None | ThreeForOneConfig | Unset):
        shopping (None | ShoppingConfig | Unset):
        mint_until (datetime.datetime | None | Unset):
        campaign (CampaignConfig | None | Unset):
        requires (None | RequiresConfig | Unset):
    """

    refer_three: None | ReferThreeConfig | Unset = UNSET
    ads: AdsConfig | None | Unset = UNSET
    quota: None | QuotaConfig | Unset = UNSET
    green: GreenConfig | None | Unset = UNSET
    union: None | UnionConfig | Unset = UNSET
    three_for_one: None | ThreeForOneConfig | Unset = UNSET
    shopping: None | ShoppingConfig | Unset = UNSET
    mint_until: datetime.datetime | None | Unset = UNSET
    campaign: CampaignConfig | None | Unset = UNSET
    requires: None | RequiresConfig | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.ads_config import AdsConfig  # noqa: PLC0415
        from ..models.campaign_config import CampaignConfig  # noqa: PLC0415
        from ..models.green_config import GreenConfig  # noqa: PLC0415
        from ..models.quota_config import QuotaConfig  # noqa: PLC0415
        from ..models.refer_three_config import ReferThreeConfig  # noqa: PLC0415
        from ..models.requires_config import RequiresConfig  # noqa: PLC0415
        from ..models.shopping_config import ShoppingConfig  # noqa: PLC0415
        from ..models.three_for_one_config import ThreeForOneConfig  # noqa: PLC0415
        from ..models.union_config import UnionConfig  # noqa: PLC0415

        refer_three: dict[str, Any] | None | Unset
        if isinstance(self.refer_three, Unset):
            refer_three = UNSET
        elif isinstance(self.refer_three, ReferThreeConfig):
            refer_three = self.refer_three.to_dict()
        else:
            refer_three = self.refer_three

        ads: dict[str, Any] | None | Unset
        if isinstance(self.ads, Unset):
            ads = UNSET
        elif isinstance(self.ads, AdsConfig):
            ads = self.ads.to_dict()
        else:
            ads = self.ads

        quota: dict[str, Any] | None | Unset
        if isinstance(self.quota, Unset):
            quota = UNSET
        elif isinstance(self.quota, QuotaConfig):
            quota = self.quota.to_dict()
        else:
            quota = self.quota

        green: dict[str, Any] | None | Unset
        if isinstance(self.green, Unset):
            green = UNSET
        elif isinstance(self.green, GreenConfig):
            green = self.green.to_dict()
        else:
            green = self.green

        union: dict[str, Any] | None | Unset
        if isinstance(self.union, Unset):
            union = UNSET
        elif isinstance(self.union, UnionConfig):
            union = self.union.to_dict()
        else:
            union = self.union

        three_for_one: dict[str, Any] | None | Unset
        if isinstance(self.three_for_one, Unset):
            three_for_one = UNSET
        elif isinstance(self.three_for_one, ThreeForOneConfig):
            three_for_one = self.three_for_one.to_dict()
        else:
            three_for_one = self.three_for_one

        shopping: dict[str, Any] | None | Unset
        if isinstance(self.shopping, Unset):
            shopping = UNSET
        elif isinstance(self.shopping, ShoppingConfig):
            shopping = self.shopping.to_dict()
        else:
            shopping = self.shopping

        mint_until: None | str | Unset
        if isinstance(self.mint_until, Unset):
            mint_until = UNSET
        elif isinstance(self.mint_until, datetime.datetime):
            mint_until = self.mint_until.isoformat()
        else:
            mint_until = self.mint_until

        campaign: dict[str, Any] | None | Unset
        if isinstance(self.campaign, Unset):
            campaign = UNSET
        elif isinstance(self.campaign, CampaignConfig):
            campaign = self.campaign.to_dict()
        else:
            campaign = self.campaign

        requires: dict[str, Any] | None | Unset
        if isinstance(self.requires, Unset):
            requires = UNSET
        elif isinstance(self.requires, RequiresConfig):
            requires = self.requires.to_dict()
        else:
            requires = self.requires

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if refer_three is not UNSET:
            field_dict["refer_three"] = refer_three
        if ads is not UNSET:
            field_dict["ads"] = ads
        if quota is not UNSET:
            field_dict["quota"] = quota
        if green is not UNSET:
            field_dict["green"] = green
        if union is not UNSET:
            field_dict["union"] = union
        if three_for_one is not UNSET:
            field_dict["three_for_one"] = three_for_one
        if shopping is not UNSET:
            field_dict["shopping"] = shopping
        if mint_until is not UNSET:
            field_dict["mint_until"] = mint_until
        if campaign is not UNSET:
            field_dict["campaign"] = campaign
        if requires is not UNSET:
            field_dict["requires"] = requires

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ads_config import AdsConfig  # noqa: PLC0415
        from ..models.campaign_config import CampaignConfig  # noqa: PLC0415
        from ..models.green_config import GreenConfig  # noqa: PLC0415
        from ..models.quota_config import QuotaConfig  # noqa: PLC0415
        from ..models.refer_three_config import ReferThreeConfig  # noqa: PLC0415
        from ..models.requires_config import RequiresConfig  # noqa: PLC0415
        from ..models.shopping_config import ShoppingConfig  # noqa: PLC0415
        from ..models.three_for_one_config import ThreeForOneConfig  # noqa: PLC0415
        from ..models.union_config import UnionConfig  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_refer_three(data: object) -> None | ReferThreeConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refer_three_type_0 = ReferThreeConfig.from_dict(data)

                return refer_three_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReferThreeConfig | Unset, data)

        refer_three = _parse_refer_three(d.pop("refer_three", UNSET))

        def _parse_ads(data: object) -> AdsConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ads_type_0 = AdsConfig.from_dict(data)

                return ads_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AdsConfig | None | Unset, data)

        ads = _parse_ads(d.pop("ads", UNSET))

        def _parse_quota(data: object) -> None | QuotaConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                quota_type_0 = QuotaConfig.from_dict(data)

                return quota_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QuotaConfig | Unset, data)

        quota = _parse_quota(d.pop("quota", UNSET))

        def _parse_green(data: object) -> GreenConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                green_type_0 = GreenConfig.from_dict(data)

                return green_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GreenConfig | None | Unset, data)

        green = _parse_green(d.pop("green", UNSET))

        def _parse_union(data: object) -> None | UnionConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                union_type_0 = UnionConfig.from_dict(data)

                return union_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UnionConfig | Unset, data)

        union = _parse_union(d.pop("union", UNSET))

        def _parse_three_for_one(data: object) -> None | ThreeForOneConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                three_for_one_type_0 = ThreeForOneConfig.from_dict(data)

                return three_for_one_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ThreeForOneConfig | Unset, data)

        three_for_one = _parse_three_for_one(d.pop("three_for_one", UNSET))

        def _parse_shopping(data: object) -> None | ShoppingConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                shopping_type_0 = ShoppingConfig.from_dict(data)

                return shopping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShoppingConfig | Unset, data)

        shopping = _parse_shopping(d.pop("shopping", UNSET))

        def _parse_mint_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mint_until_type_0 = datetime.datetime.fromisoformat(data)

                return mint_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        mint_until = _parse_mint_until(d.pop("mint_until", UNSET))

        def _parse_campaign(data: object) -> CampaignConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                campaign_type_0 = CampaignConfig.from_dict(data)

                return campaign_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CampaignConfig | None | Unset, data)

        campaign = _parse_campaign(d.pop("campaign", UNSET))

        def _parse_requires(data: object) -> None | RequiresConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                requires_type_0 = RequiresConfig.from_dict(data)

                return requires_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RequiresConfig | Unset, data)

        requires = _parse_requires(d.pop("requires", UNSET))

        modes_config = cls(
            refer_three=refer_three,
            ads=ads,
            quota=quota,
            green=green,
            union=union,
            three_for_one=three_for_one,
            shopping=shopping,
            mint_until=mint_until,
            campaign=campaign,
            requires=requires,
        )

        return modes_config
