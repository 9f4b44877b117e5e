from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.sample import Sample


T = TypeVar("T", bound="PriceChart")


@_attrs_define
class PriceChart:
    """
    Attributes:
        pool (str):
        start (datetime.datetime | None):
        end (datetime.datetime):
        samples (list[Sample]):
    """

    pool: str
    start: datetime.datetime | None
    end: datetime.datetime
    samples: list[Sample]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pool = self.pool

        start: None | str
        if isinstance(self.start, datetime.datetime):
            start = self.start.isoformat()
        else:
            start = self.start

        end = self.end.isoformat()

        samples = []
        for samples_item_data in self.samples:
            samples_item = samples_item_data.to_dict()
            samples.append(samples_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pool": pool,
                "start": start,
                "end": end,
                "samples": samples,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sample import Sample  # noqa: PLC0415

        d = dict(src_dict)
        pool = d.pop("pool")

        def _parse_start(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_type_0 = datetime.datetime.fromisoformat(data)

                return start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        start = _parse_start(d.pop("start"))

        end = datetime.datetime.fromisoformat(d.pop("end"))

        samples = []
        _samples = d.pop("samples")
        for samples_item_data in _samples:
            samples_item = Sample.from_dict(samples_item_data)

            samples.append(samples_item)

        price_chart = cls(
            pool=pool,
            start=start,
            end=end,
            samples=samples,
        )

        price_chart.additional_properties = d
        return price_chart

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
