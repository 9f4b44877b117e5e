from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="StoreView")


@_attrs_define
class StoreView:
    """
    Attributes:
        commission_rate (str):
        id (str):
        name (None | str | Unset):
        owner (None | str | Unset):
        recruiter (None | str | Unset):
        region (None | str | Unset):
        platform_rate (str | Unset):  Default: '0'.
        distribution_rate (str | Unset):  Default: '0'.
        zone (None | str | Unset):
        pool (None | str | Unset):
        settlement_account (None | str | Unset):
    """

    commission_rate: str
    id: str
    name: None | str | Unset = UNSET
    owner: None | str | Unset = UNSET
    recruiter: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    platform_rate: str | Unset = "0"
    distribution_rate: str | Unset = "0"
    zone: None | str | Unset = UNSET
    pool: None | str | Unset = UNSET
    settlement_account: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        commission_rate = self.commission_rate

        id = self.id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        owner: None | str | Unset
        if isinstance(self.owner, Unset):
            owner = UNSET
        else:
            owner = self.owner

        recruiter: None | str | Unset
        if isinstance(self.recruiter, Unset):
            recruiter = UNSET
        else:
            recruiter = self.recruiter

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        platform_rate = self.platform_rate

        distribution_rate = self.distribution_rate

        zone: None | str | Unset
        if isinstance(self.zone, Unset):
            zone = UNSET
        else:
            zone = self.zone

        pool: None | str | Unset
        if isinstance(self.pool, Unset):
            pool = UNSET
        else:
            pool = self.pool

        settlement_account: None | str | Unset
        if isinstance(self.settlement_account, Unset):
            settlement_account = UNSET
        else:
            settlement_account = self.settlement_account

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "commission_rate": commission_rate,
                "id": id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if owner is not UNSET:
            field_dict["owner"] = owner
        if recruiter is not UNSET:
            field_dict["recruiter"] = recruiter
        if region is not UNSET:
            field_dict["region"] = region
        if platform_rate is not UNSET:
            field_dict["platform_rate"] = platform_rate
        if distribution_rate is not UNSET:
            field_dict["distribution_rate"] = distribution_rate
        if zone is not UNSET:
            field_dict["zone"] = zone
        if pool is not UNSET:
            field_dict["pool"] = pool
        if settlement_account is not UNSET:
            field_dict["settlement_account"] = settlement_account

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        commission_rate = d.pop("commission_rate")

        id = d.pop("id")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_owner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner = _parse_owner(d.pop("owner", UNSET))

        def _parse_recruiter(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        recruiter = _parse_recruiter(d.pop("recruiter", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        platform_rate = d.pop("platform_rate", UNSET)

        distribution_rate = d.pop("distribution_rate", UNSET)

        def _parse_zone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        zone = _parse_zone(d.pop("zone", UNSET))

        def _parse_pool(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pool = _parse_pool(d.pop("pool", UNSET))

        def _parse_settlement_account(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        settlement_account = _parse_settlement_account(d.pop("settlement_account", UNSET))

        store_view = cls(
            commission_rate=commission_rate,
            id=id,
            name=name,
            owner=owner,
            recruiter=recruiter,
            region=region,
            platform_rate=platform_rate,
            distribution_rate=distribution_rate,
            zone=zone,
            pool=pool,
            settlement_account=settlement_account,
        )

        return store_view
