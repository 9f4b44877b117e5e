from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.backtest_request_config import BacktestRequestConfig


T = TypeVar("T", bound="BacktestRequest")


@_attrs_define
class BacktestRequest:
    """
    Attributes:
        config (BacktestRequestConfig): a configuration shaped like GET /v1/config (the configuration file)
        top (int | Unset): how many members to list Default: 10.
    """

    config: BacktestRequestConfig
    top: int | Unset = 10

    def to_dict(self) -> dict[str, Any]:
        config = self.config.to_dict()

        top = self.top

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "config": config,
            }
        )
        if top is not UNSET:
            field_dict["top"] = top

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backtest_request_config import BacktestRequestConfig  # noqa: PLC0415

        d = dict(src_dict)
        config = BacktestRequestConfig.from_dict(d.pop("config"))

        top = d.pop("top", UNSET)

        backtest_request = cls(
            config=config,
            top=top,
        )

        return backtest_request
