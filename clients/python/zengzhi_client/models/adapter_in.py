from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.adapter_in_adapter import AdapterInAdapter
from ..types import UNSET, Unset

T = TypeVar("T", bound="AdapterIn")


@_attrs_define
class AdapterIn:
    """
    Attributes:
        adapter (AdapterInAdapter):
        payout_url (None | str | Unset): webhook adapter: where payout requests are POSTed
        tolerance_seconds (int | Unset): how old a notification may be Default: 300.
        rotate_secret (bool | Unset): a new shared secret Default: False.
    """

    adapter: AdapterInAdapter
    payout_url: None | str | Unset = UNSET
    tolerance_seconds: int | Unset = 300
    rotate_secret: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        adapter = self.adapter.value

        payout_url: None | str | Unset
        if isinstance(self.payout_url, Unset):
            payout_url = UNSET
        else:
            payout_url = self.payout_url

        tolerance_seconds = self.tolerance_seconds

        rotate_secret = self.rotate_secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "adapter": adapter,
            }
        )
        if payout_url is not UNSET:
            field_dict["payout_url"] = payout_url
        if tolerance_seconds is not UNSET:
            field_dict["tolerance_seconds"] = tolerance_seconds
        if rotate_secret is not UNSET:
            field_dict["rotate_secret"] = rotate_secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        adapter = AdapterInAdapter(d.pop("adapter"))

        def _parse_payout_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payout_url = _parse_payout_url(d.pop("payout_url", UNSET))

        tolerance_seconds = d.pop("tolerance_seconds", UNSET)

        rotate_secret = d.pop("rotate_secret", UNSET)

        adapter_in = cls(
            adapter=adapter,
            payout_url=payout_url,
            tolerance_seconds=tolerance_seconds,
            rotate_secret=rotate_secret,
        )

        return adapter_in
