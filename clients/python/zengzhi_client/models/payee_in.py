from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.payee_in_method import PayeeInMethod
from ..types import UNSET, Unset

T = TypeVar("T", bound="PayeeIn")


@_attrs_define
class PayeeIn:
    """
    Attributes:
        method (PayeeInMethod): wechat (an openid), alipay (an account), bank
        real_name (str): the account holder's legal name
        account (str): the WeChat openid in the platform's app, the Alipay login (phone or e-mail) or user id, or the
            bank card number
        bank (None | str | Unset): bank: the bank's name
    """

    method: PayeeInMethod
    real_name: str
    account: str
    bank: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        real_name = self.real_name

        account = self.account

        bank: None | str | Unset
        if isinstance(self.bank, Unset):
            bank = UNSET
        else:
            bank = self.bank

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "method": method,
                "real_name": real_name,
                "account": account,
            }
        )
        if bank is not UNSET:
            field_dict["bank"] = bank

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        method = PayeeInMethod(d.pop("method"))

        real_name = d.pop("real_name")

        account = d.pop("account")

        def _parse_bank(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bank = _parse_bank(d.pop("bank", UNSET))

        payee_in = cls(
            method=method,
            real_name=real_name,
            account=account,
            bank=bank,
        )

        return payee_in
