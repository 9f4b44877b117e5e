from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewPool")


@_attrs_define
class NewPool:
    """
    Attributes:
        id (str):
        mint_ratio (None | str | Unset):
        sell_fee (None | str | Unset):
        exit_multiple (None | str | Unset):
        opening_price (None | str | Unset):
        minting_enabled (bool | None | Unset):
        min_sell_points (None | str | Unset):
        no_exit (bool | Unset): true turns the forced exit off Default: False.
    """

    id: str
    mint_ratio: None | str | Unset = UNSET
    sell_fee: None | str | Unset = UNSET
    exit_multiple: None | str | Unset = UNSET
    opening_price: None | str | Unset = UNSET
    minting_enabled: bool | None | Unset = UNSET
    min_sell_points: None | str | Unset = UNSET
    no_exit: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        mint_ratio: None | str | Unset
        if isinstance(self.mint_ratio, Unset):
            mint_ratio = UNSET
        else:
            mint_ratio = self.mint_ratio

        sell_fee: None | str | Unset
        if isinstance(self.sell_fee, Unset):
            sell_fee = UNSET
        else:
            sell_fee = self.sell_fee

        exit_multiple: None | str | Unset
        if isinstance(self.exit_multiple, Unset):
            exit_multiple = UNSET
        else:
            exit_multiple = self.exit_multiple

        opening_price: None | str | Unset
        if isinstance(self.opening_price, Unset):
            opening_price = UNSET
        else:
            opening_price = self.opening_price

        minting_enabled: bool | None | Unset
        if isinstance(self.minting_enabled, Unset):
            minting_enabled = UNSET
        else:
            minting_enabled = self.minting_enabled

        min_sell_points: None | str | Unset
        if isinstance(self.min_sell_points, Unset):
            min_sell_points = UNSET
        else:
            min_sell_points = self.min_sell_points

        no_exit = self.no_exit

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
            }
        )
        if mint_ratio is not UNSET:
            field_dict["mint_ratio"] = mint_ratio
        if sell_fee is not UNSET:
            field_dict["sell_fee"] = sell_fee
        if exit_multiple is not UNSET:
            field_dict["exit_multiple"] = exit_multiple
        if opening_price is not UNSET:
            field_dict["opening_price"] = opening_price
        if minting_enabled is not UNSET:
            field_dict["minting_enabled"] = minting_enabled
        if min_sell_points is not UNSET:
            field_dict["min_sell_points"] = min_sell_points
        if no_exit is not UNSET:
            field_dict["no_exit"] = no_exit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_mint_ratio(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mint_ratio = _parse_mint_ratio(d.pop("mint_ratio", UNSET))

        def _parse_sell_fee(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sell_fee = _parse_sell_fee(d.pop("sell_fee", UNSET))

        def _parse_exit_multiple(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        exit_multiple = _parse_exit_multiple(d.pop("exit_multiple", UNSET))

        def _parse_opening_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        opening_price = _parse_opening_price(d.pop("opening_price", UNSET))

        def _parse_minting_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        minting_enabled = _parse_minting_enabled(d.pop("minting_enabled", UNSET))

        def _parse_min_sell_points(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_sell_points = _parse_min_sell_points(d.pop("min_sell_points", UNSET))

        no_exit = d.pop("no_exit", UNSET)

        new_pool = cls(
            id=id,
            mint_ratio=mint_ratio,
            sell_fee=sell_fee,
            exit_multiple=exit_multiple,
            opening_price=opening_price,
            minting_enabled=minting_enabled,
            min_sell_points=min_sell_points,
            no_exit=no_exit,
        )

        return new_pool
