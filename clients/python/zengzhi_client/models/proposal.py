from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.proposal_config import ProposalConfig


T = TypeVar("T", bound="Proposal")


@_attrs_define
class Proposal:
    """
    Attributes:
        config (ProposalConfig): a configuration shaped like GET /v1/config (the configuration file)
    """

    config: ProposalConfig

    def to_dict(self) -> dict[str, Any]:
        config = self.config.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "config": config,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.proposal_config import ProposalConfig  # noqa: PLC0415

        d = dict(src_dict)
        config = ProposalConfig.from_dict(d.pop("config"))

        proposal = cls(
            config=config,
        )

        return proposal
