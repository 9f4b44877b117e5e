from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.backtest_totals import BacktestTotals
    from ..models.member_effect import MemberEffect
    from ..models.pool_comparison import PoolComparison
    from ..models.skipped import Skipped


T = TypeVar("T", bound="Backtest")


@_attrs_define
class Backtest:
    """
    Attributes:
        events (int):
        changes (list[str]):
        adjusted (int):
        skipped (int):
        skipped_events (list[Skipped]):
        pools (list[PoolComparison]):
        totals (BacktestTotals):
        members_changed (int):
        members (list[MemberEffect]):
        baseline_matches_live (bool | None | Unset):
    """

    events: int
    changes: list[str]
    adjusted: int
    skipped: int
    skipped_events: list[Skipped]
    pools: list[PoolComparison]
    totals: BacktestTotals
    members_changed: int
    members: list[MemberEffect]
    baseline_matches_live: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        events = self.events

        changes = self.changes

        adjusted = self.adjusted

        skipped = self.skipped

        skipped_events = []
        for skipped_events_item_data in self.skipped_events:
            skipped_events_item = skipped_events_item_data.to_dict()
            skipped_events.append(skipped_events_item)

        pools = []
        for pools_item_data in self.pools:
            pools_item = pools_item_data.to_dict()
            pools.append(pools_item)

        totals = self.totals.to_dict()

        members_changed = self.members_changed

        members = []
        for members_item_data in self.members:
            members_item = members_item_data.to_dict()
            members.append(members_item)

        baseline_matches_live: bool | None | Unset
        if isinstance(self.baseline_matches_live, Unset):
            baseline_matches_live = UNSET
        else:
            baseline_matches_live = self.baseline_matches_live

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "events": events,
                "changes": changes,
                "adjusted": adjusted,
                "skipped": skipped,
                "skipped_events": skipped_events,
                "pools": pools,
                "totals": totals,
                "members_changed": members_changed,
                "members": members,
            }
        )
        if baseline_matches_live is not UNSET:
            field_dict["baseline_matches_live"] = baseline_matches_live

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backtest_totals import BacktestTotals  # noqa: PLC0415
        from ..models.member_effect import MemberEffect  # noqa: PLC0415
        from ..models.pool_comparison import PoolComparison  # noqa: PLC0415
        from ..models.skipped import Skipped  # noqa: PLC0415

        d = dict(src_dict)
        events = d.pop("events")

        changes = cast(list[str], d.pop("changes"))

        adjusted = d.pop("adjusted")

        skipped = d.pop("skipped")

        skipped_events = []
        _skipped_events = d.pop("skipped_events")
        for skipped_events_item_data in _skipped_events:
            skipped_events_item = Skipped.from_dict(skipped_events_item_data)

            skipped_events.append(skipped_events_item)

        pools = []
        _pools = d.pop("pools")
        for pools_item_data in _pools:
            pools_item = PoolComparison.from_dict(pools_item_data)

            pools.append(pools_item)

        totals = BacktestTotals.from_dict(d.pop("totals"))

        members_changed = d.pop("members_changed")

        members = []
        _members = d.pop("members")
        for members_item_data in _members:
            members_item = MemberEffect.from_dict(members_item_data)

            members.append(members_item)

        def _parse_baseline_matches_live(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        baseline_matches_live = _parse_baseline_matches_live(d.pop("baseline_matches_live", UNSET))

        backtest = cls(
            events=events,
            changes=changes,
            adjusted=adjusted,
            skipped=skipped,
            skipped_events=skipped_events,
            pools=pools,
            totals=totals,
            members_changed=members_changed,
            members=members,
            baseline_matches_live=baseline_matches_live,
        )

        backtest.additional_properties = d
        return backtest

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
