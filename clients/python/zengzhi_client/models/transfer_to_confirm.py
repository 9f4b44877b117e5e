from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TransferToConfirm")


@_attrs_define
class TransferToConfirm:
    """A WeChat Pay transfer (商家转账) of the member's withdrawal, waiting for them to
    confirm receiving it, and what their WeChat confirms it with: in a mini program
    `wx.requestMerchantTransfer({mchId, appId, package})`, in WeChat's browser
    `WeixinJSBridge.invoke("requestMerchantTransfer", {mchId, appId, package}, …)`. Once
    confirmed, WeChat Pay pays it and the withdrawal reads `paid` when WeChat Pay says so
    (its notification, or the service's query).

        Attributes:
            withdrawal (str):
            mch_id (str): the merchant (商户号) paying
            app_id (str): the app whose openid is paid
            package (str): WeChat Pay's package_info for this transfer
    """

    withdrawal: str
    mch_id: str
    app_id: str
    package: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        withdrawal = self.withdrawal

        mch_id = self.mch_id

        app_id = self.app_id

        package = self.package

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "withdrawal": withdrawal,
                "mch_id": mch_id,
                "app_id": app_id,
                "package": package,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        withdrawal = d.pop("withdrawal")

        mch_id = d.pop("mch_id")

        app_id = d.pop("app_id")

        package = d.pop("package")

        transfer_to_confirm = cls(
            withdrawal=withdrawal,
            mch_id=mch_id,
            app_id=app_id,
            package=package,
        )

        transfer_to_confirm.additional_properties = d
        return transfer_to_confirm

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
