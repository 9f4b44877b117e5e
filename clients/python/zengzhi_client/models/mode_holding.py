from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.ad_task import AdTask
    from ..models.claim_view import ClaimView


T = TypeVar("T", bound="ModeHolding")


@_attrs_define
class ModeHolding:
    """
    Attributes:
        zone (str):
        mode (str):
        owed (str):
        claims (list[ClaimView]):
        shares (None | str | Unset):
        task (AdTask | None | Unset):
    """

    zone: str
    mode: str
    owed: str
    claims: list[ClaimView]
    shares: None | str | Unset = UNSET
    task: AdTask | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.ad_task import AdTask  # noqa: PLC0415

        zone = self.zone

        mode = self.mode

        owed = self.owed

        claims = []
        for claims_item_data in self.claims:
            claims_item = claims_item_data.to_dict()
            claims.append(claims_item)

        shares: None | str | Unset
        if isinstance(self.shares, Unset):
            shares = UNSET
        else:
            shares = self.shares

        task: dict[str, Any] | None | Unset
        if isinstance(self.task, Unset):
            task = UNSET
        elif isinstance(self.task, AdTask):
            task = self.task.to_dict()
        else:
            task = self.task

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "zone": zone,
                "mode": mode,
                "owed": owed,
                "claims": claims,
            }
        )
        if shares is not UNSET:
            field_dict["shares"] = shares
        if task is not UNSET:
            field_dict["task"] = task

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ad_task import AdTask  # noqa: PLC0415
        from ..models.claim_view import ClaimView  # noqa: PLC0415

        d = dict(src_dict)
        zone = d.pop("zone")

        mode = d.pop("mode")

        owed = d.pop("owed")

        claims = []
        _claims = d.pop("claims")
        for claims_item_data in _claims:
            claims_item = ClaimView.from_dict(claims_item_data)

            claims.append(claims_item)

        def _parse_shares(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        shares = _parse_shares(d.pop("shares", UNSET))

        def _parse_task(data: object) -> AdTask | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                task_type_0 = AdTask.from_dict(data)

                return task_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AdTask | None | Unset, data)

        task = _parse_task(d.pop("task", UNSET))

        mode_holding = cls(
            zone=zone,
            mode=mode,
            owed=owed,
            claims=claims,
            shares=shares,
            task=task,
        )

        mode_holding.additional_properties = d
        return mode_holding

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
