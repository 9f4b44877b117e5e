from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="QuotaConfig")


@_attrs_define
class QuotaConfig:
    """
    Attributes:
        starts (datetime.datetime | None | Unset):
        ends (datetime.datetime | None | Unset):
        funding (None | str | Unset):
        backed (bool | Unset):  Default: False.
        multiple (str | Unset):  Default: '2'.
        spend_per_share (str | Unset):  Default: '2000'.
        referral_spend_per_share (None | str | Unset):
        max_shares (None | str | Unset):
    """

    starts: datetime.datetime | None | Unset = UNSET
    ends: datetime.datetime | None | Unset = UNSET
    funding: None | str | Unset = UNSET
    backed: bool | Unset = False
    multiple: str | Unset = "2"
    spend_per_share: str | Unset = "2000"
    referral_spend_per_share: None | str | Unset = UNSET
    max_shares: None | str | Unset = UNSET

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

        multiple = self.multiple

        spend_per_share = self.spend_per_share

        referral_spend_per_share: None | str | Unset
        if isinstance(self.referral_spend_per_share, Unset):
            referral_spend_per_share = UNSET
        else:
            referral_spend_per_share = self.referral_spend_per_share

        max_shares: None | str | Unset
        if isinstance(self.max_shares, Unset):
            max_shares = UNSET
        else:
            max_shares = self.max_shares

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
        if multiple is not UNSET:
            field_dict["multiple"] = multiple
        if spend_per_share is not UNSET:
            field_dict["spend_per_share"] = spend_per_share
        if referral_spend_per_share is not UNSET:
            field_dict["referral_spend_per_share"] = referral_spend_per_share
        if max_shares is not UNSET:
            field_dict["max_shares"] = max_shares

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
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

        multiple = d.pop("multiple", UNSET)

        spend_per_share = d.pop("spend_per_share", UNSET)

        def _parse_referral_spend_per_share(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referral_spend_per_share = _parse_referral_spend_per_share(d.pop("referral_spend_per_share", UNSET))

        def _parse_max_shares(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_shares = _parse_max_shares(d.pop("max_shares", UNSET))

        quota_config = cls(
            starts=starts,
            ends=ends,
            funding=funding,
            backed=backed,
            multiple=multiple,
            spend_per_share=spend_per_share,
            referral_spend_per_share=referral_spend_per_share,
            max_shares=max_shares,
        )

        return quota_config
