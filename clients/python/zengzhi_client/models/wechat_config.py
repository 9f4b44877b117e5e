from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WechatConfig")


@_attrs_define
class WechatConfig:
    """What the merchant platform (商户平台) gives; kept encrypted at rest.

    Attributes:
        mchid (str): 商户号
        appid (str): the app whose openids are paid
        serial_no (str): the merchant API certificate's serial
        private_key (str): the merchant API private key, PEM
        apiv3_key (str): APIv3 密钥
        platform_certificates (list[str] | Unset): WeChat Pay platform certificates, PEM
        public_key_id (None | str | Unset): WeChat Pay public key id
        public_key (None | str | Unset): WeChat Pay public key, PEM
        api_url (str | Unset): the API's address (a sandbox) Default: 'https://api.mch.weixin.qq.com'.
        notify_url (None | str | Unset): where transfer results go
        transfer_scene_id (str | Unset):  Default: '1000'.
    """

    mchid: str
    appid: str
    serial_no: str
    private_key: str
    apiv3_key: str
    platform_certificates: list[str] | Unset = UNSET
    public_key_id: None | str | Unset = UNSET
    public_key: None | str | Unset = UNSET
    api_url: str | Unset = "https://api.mch.weixin.qq.com"
    notify_url: None | str | Unset = UNSET
    transfer_scene_id: str | Unset = "1000"

    def to_dict(self) -> dict[str, Any]:
        mchid = self.mchid

        appid = self.appid

        serial_no = self.serial_no

        private_key = self.private_key

        apiv3_key = self.apiv3_key

        platform_certificates: list[str] | Unset = UNSET
        if not isinstance(self.platform_certificates, Unset):
            platform_certificates = self.platform_certificates

        public_key_id: None | str | Unset
        if isinstance(self.public_key_id, Unset):
            public_key_id = UNSET
        else:
            public_key_id = self.public_key_id

        public_key: None | str | Unset
        if isinstance(self.public_key, Unset):
            public_key = UNSET
        else:
            public_key = self.public_key

        api_url = self.api_url

        notify_url: None | str | Unset
        if isinstance(self.notify_url, Unset):
            notify_url = UNSET
        else:
            notify_url = self.notify_url

        transfer_scene_id = self.transfer_scene_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mchid": mchid,
                "appid": appid,
                "serial_no": serial_no,
                "private_key": private_key,
                "apiv3_key": apiv3_key,
            }
        )
        if platform_certificates is not UNSET:
            field_dict["platform_certificates"] = platform_certificates
        if public_key_id is not UNSET:
            field_dict["public_key_id"] = public_key_id
        if public_key is not UNSET:
            field_dict["public_key"] = public_key
        if api_url is not UNSET:
            field_dict["api_url"] = api_url
        if notify_url is not UNSET:
            field_dict["notify_url"] = notify_url
        if transfer_scene_id is not UNSET:
            field_dict["transfer_scene_id"] = transfer_scene_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mchid = d.pop("mchid")

        appid = d.pop("appid")

        serial_no = d.pop("serial_no")

        private_key = d.pop("private_key")

        apiv3_key = d.pop("apiv3_key")

        platform_certificates = cast(list[str], d.pop("platform_certificates", UNSET))

        def _parse_public_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        public_key_id = _parse_public_key_id(d.pop("public_key_id", UNSET))

        def _parse_public_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        public_key = _parse_public_key(d.pop("public_key", UNSET))

        api_url = d.pop("api_url", UNSET)

        def _parse_notify_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notify_url = _parse_notify_url(d.pop("notify_url", UNSET))

        transfer_scene_id = d.pop("transfer_scene_id", UNSET)

        wechat_config = cls(
            mchid=mchid,
            appid=appid,
            serial_no=serial_no,
            private_key=private_key,
            apiv3_key=apiv3_key,
            platform_certificates=platform_certificates,
            public_key_id=public_key_id,
            public_key=public_key,
            api_url=api_url,
            notify_url=notify_url,
            transfer_scene_id=transfer_scene_id,
        )

        return wechat_config
