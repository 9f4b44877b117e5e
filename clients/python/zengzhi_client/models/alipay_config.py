from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AlipayConfig")


@_attrs_define
class AlipayConfig:
    """What the Alipay open platform (开放平台) gives; kept encrypted at rest.

    Attributes:
        app_id (str):
        private_key (str): the app private key, PEM
        alipay_public_key (str): the Alipay public key, PEM
        gateway_url (str | Unset): the gateway (a sandbox) Default: 'https://openapi.alipay.com/gateway.do'.
        notify_url (None | str | Unset):
    """

    app_id: str
    private_key: str
    alipay_public_key: str
    gateway_url: str | Unset = "https://openapi.alipay.com/gateway.do"
    notify_url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        app_id = self.app_id

        private_key = self.private_key

        alipay_public_key = self.alipay_public_key

        gateway_url = self.gateway_url

        notify_url: None | str | Unset
        if isinstance(self.notify_url, Unset):
            notify_url = UNSET
        else:
            notify_url = self.notify_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "app_id": app_id,
                "private_key": private_key,
                "alipay_public_key": alipay_public_key,
            }
        )
        if gateway_url is not UNSET:
            field_dict["gateway_url"] = gateway_url
        if notify_url is not UNSET:
            field_dict["notify_url"] = notify_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_id = d.pop("app_id")

        private_key = d.pop("private_key")

        alipay_public_key = d.pop("alipay_public_key")

        gateway_url = d.pop("gateway_url", UNSET)

        def _parse_notify_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notify_url = _parse_notify_url(d.pop("notify_url", UNSET))

        alipay_config = cls(
            app_id=app_id,
            private_key=private_key,
            alipay_public_key=alipay_public_key,
            gateway_url=gateway_url,
            notify_url=notify_url,
        )

        return alipay_config
