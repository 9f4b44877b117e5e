"""A WeChat Pay or Alipay adapter's credentials (merchant keys, the APIv3 key), kept in
`payment_adapters.credentials` encrypted with the payee key (service/payee_keys.py):
whoever reads the database alone cannot sign a payout."""

from __future__ import annotations

import httpx
from cryptography.fernet import InvalidToken

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service import payee_keys
from zengzhi.service.egress import LimitedTransport, PublicOnlyTransport
from zengzhi.service.gateways.alipay import Alipay, AlipayConfig
from zengzhi.service.gateways.wechatpay import WechatConfig, WechatPay
from zengzhi.service.settings import Settings
from zengzhi.store.payments import AdapterRow

GATEWAYS = ("wechat", "alipay")


def seal(settings: Settings, config: WechatConfig | AlipayConfig) -> str:
    return payee_keys.cipher(settings).encrypt(config.model_dump_json().encode()).decode()


def client_for(settings: Settings, row: AdapterRow | None) -> WechatPay | Alipay:
    """The gateway client of a tenant's adapter row (wechat or alipay)."""
    if row is None or row.adapter not in GATEWAYS or not row.credentials:
        raise DomainError(
            ErrorCode.CONFLICT, "the payment adapter is not WeChat Pay or Alipay", "adapter"
        )
    try:
        clear = payee_keys.cipher(settings).decrypt(row.credentials.encode())
    except InvalidToken:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the adapter's credentials do not decrypt with ZENGZHI_PAYEE_KEYS",
            "adapter",
        ) from None
    tolerance = int(row.tolerance_seconds)
    if row.adapter == "wechat":
        return WechatPay(WechatConfig.model_validate_json(clear), tolerance)
    return Alipay(AlipayConfig.model_validate_json(clear), tolerance)


def http_client(settings: Settings, client: httpx.Client | None) -> httpx.Client:
    """The client given (a test's), or one that keeps to public addresses."""
    if client is not None:
        return client
    return httpx.Client(
        timeout=settings.webhook_timeout_seconds,
        follow_redirects=False,
        transport=LimitedTransport() if settings.webhook_private_targets else PublicOnlyTransport(),
    )
