from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.team_config_pay_in import TeamConfigPayIn
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.team_level_config import TeamLevelConfig


T = TypeVar("T", bound="TeamConfig")


@_attrs_define
class TeamConfig:
    """
    Attributes:
        levels (list[TeamLevelConfig] | Unset):
        peer_share (None | str | Unset):
        pay_in (TeamConfigPayIn | Unset):  Default: TeamConfigPayIn.CASH.
    """

    levels: list[TeamLevelConfig] | Unset = UNSET
    peer_share: None | str | Unset = UNSET
    pay_in: TeamConfigPayIn | Unset = TeamConfigPayIn.CASH

    def to_dict(self) -> dict[str, Any]:
        levels: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.levels, Unset):
            levels = []
            for levels_item_data in self.levels:
                levels_item = levels_item_data.to_dict()
                levels.append(levels_item)

        peer_share: None | str | Unset
        if isinstance(self.peer_share, Unset):
            peer_share = UNSET
        else:
            peer_share = self.peer_share

        pay_in: str | Unset = UNSET
        if not isinstance(self.pay_in, Unset):
            pay_in = self.pay_in.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if levels is not UNSET:
            field_dict["levels"] = levels
        if peer_share is not UNSET:
            field_dict["peer_share"] = peer_share
        if pay_in is not UNSET:
            field_dict["pay_in"] = pay_in

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.team_level_config import TeamLevelConfig  # noqa: PLC0415

        d = dict(src_dict)
        _levels = d.pop("levels", UNSET)
        levels: list[TeamLevelConfig] | Unset = UNSET
        if _levels is not UNSET:
            levels = []
            for levels_item_data in _levels:
                levels_item = TeamLevelConfig.from_dict(levels_item_data)

                levels.append(levels_item)

        def _parse_peer_share(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        peer_share = _parse_peer_share(d.pop("peer_share", UNSET))

        _pay_in = d.pop("pay_in", UNSET)
        pay_in: TeamConfigPayIn | Unset
        if isinstance(_pay_in, Unset):
            pay_in = UNSET
        else:
            pay_in = TeamConfigPayIn(_pay_in)

        team_config = cls(
            levels=levels,
            peer_share=peer_share,
            pay_in=pay_in,
        )

        return team_config
