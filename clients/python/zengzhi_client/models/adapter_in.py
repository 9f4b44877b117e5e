from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.adapter_in_adapter import AdapterInAdapter
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alipay_config import AlipayConfig
    from ..models.wechat_config import WechatConfig


T = TypeVar("T", bound="AdapterIn")


@_attrs_define
class AdapterIn:
    """
    Attributes:
        adapter (AdapterInAdapter):
        payout_url (None | str | Unset): webhook adapter: where payout requests are POSTed
        tolerance_seconds (int | Unset): how old a notification may be Default: 300.
        rotate_secret (bool | Unset): a new shared secret Default: False.
        wechat (None | Unset | WechatConfig): the wechat adapter's keys
        alipay (AlipayConfig | None | Unset): the alipay adapter's keys
    """

    adapter: AdapterInAdapter
    payout_url: None | str | Unset = UNSET
    tolerance_seconds: int | Unset = 300
    rotate_secret: bool | Unset = False
    wechat: None | Unset | WechatConfig = UNSET
    alipay: AlipayConfig | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.alipay_config import AlipayConfig  # noqa: PLC0415
        from ..models.wechat_config import WechatConfig  # noqa: PLC0415

        adapter = self.adapter.value

        payout_url: None | str | Unset
        if isinstance(self.payout_url, Unset):
            payout_url = UNSET
        else:
            payout_url = self.payout_url

        tolerance_seconds = self.tolerance_seconds

        rotate_secret = self.rotate_secret

        wechat: dict[str, Any] | None | Unset
        if isinstance(self.wechat, Unset):
            wechat = UNSET
        elif isinstance(self.wechat, WechatConfig):
            wechat = self.wechat.to_dict()
        else:
            wechat = self.wechat

        alipay: dict[str, Any] | None | Unset
        if isinstance(self.alipay, Unset):
            alipay = UNSET
        elif isinstance(self.alipay, AlipayConfig):
            alipay = self.alipay.to_dict()
        else:
            alipay = self.alipay

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
        if wechat is not UNSET:
            field_dict["wechat"] = wechat
        if alipay is not UNSET:
            field_dict["alipay"] = alipay

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alipay_config import AlipayConfig  # noqa: PLC0415
        from ..models.wechat_config import WechatConfig  # noqa: PLC0415

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

        def _parse_wechat(data: object) -> None | Unset | WechatConfig:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                wechat_type_0 = WechatConfig.from_dict(data)

                return wechat_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WechatConfig, data)

        wechat = _parse_wechat(d.pop("wechat", UNSET))

        def _parse_alipay(data: object) -> AlipayConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                alipay_type_0 = AlipayConfig.from_dict(data)

                return alipay_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AlipayConfig | None | Unset, data)

        alipay = _parse_alipay(d.pop("alipay", UNSET))

        adapter_in = cls(
            adapter=adapter,
            payout_url=payout_url,
            tolerance_seconds=tolerance_seconds,
            rotate_secret=rotate_secret,
            wechat=wechat,
            alipay=alipay,
        )

        return adapter_in
