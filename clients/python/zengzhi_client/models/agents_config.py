from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.agents_config_mode import AgentsConfigMode
from ..models.agents_config_pay_in import AgentsConfigPayIn
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.agents_config_areas import AgentsConfigAreas
    from ..models.agents_config_rates import AgentsConfigRates


T = TypeVar("T", bound="AgentsConfig")


@_attrs_define
class AgentsConfig:
    """
    Attributes:
        mode (AgentsConfigMode | Unset):  Default: AgentsConfigMode.DIFFERENTIAL.
        rates (AgentsConfigRates | Unset):
        areas (AgentsConfigAreas | Unset):
        pay_in (AgentsConfigPayIn | Unset):  Default: AgentsConfigPayIn.CASH.
    """

    mode: AgentsConfigMode | Unset = AgentsConfigMode.DIFFERENTIAL
    rates: AgentsConfigRates | Unset = UNSET
    areas: AgentsConfigAreas | Unset = UNSET
    pay_in: AgentsConfigPayIn | Unset = AgentsConfigPayIn.CASH

    def to_dict(self) -> dict[str, Any]:
        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        rates: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rates, Unset):
            rates = self.rates.to_dict()

        areas: dict[str, Any] | Unset = UNSET
        if not isinstance(self.areas, Unset):
            areas = self.areas.to_dict()

        pay_in: str | Unset = UNSET
        if not isinstance(self.pay_in, Unset):
            pay_in = self.pay_in.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if mode is not UNSET:
            field_dict["mode"] = mode
        if rates is not UNSET:
            field_dict["rates"] = rates
        if areas is not UNSET:
            field_dict["areas"] = areas
        if pay_in is not UNSET:
            field_dict["pay_in"] = pay_in

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agents_config_areas import AgentsConfigAreas  # noqa: PLC0415
        from ..models.agents_config_rates import AgentsConfigRates  # noqa: PLC0415

        d = dict(src_dict)
        _mode = d.pop("mode", UNSET)
        mode: AgentsConfigMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = AgentsConfigMode(_mode)

        _rates = d.pop("rates", UNSET)
        rates: AgentsConfigRates | Unset
        if isinstance(_rates, Unset):
            rates = UNSET
        else:
            rates = AgentsConfigRates.from_dict(_rates)

        _areas = d.pop("areas", UNSET)
        areas: AgentsConfigAreas | Unset
        if isinstance(_areas, Unset):
            areas = UNSET
        else:
            areas = AgentsConfigAreas.from_dict(_areas)

        _pay_in = d.pop("pay_in", UNSET)
        pay_in: AgentsConfigPayIn | Unset
        if isinstance(_pay_in, Unset):
            pay_in = UNSET
        else:
            pay_in = AgentsConfigPayIn(_pay_in)

        agents_config = cls(
            mode=mode,
            rates=rates,
            areas=areas,
            pay_in=pay_in,
        )

        return agents_config
