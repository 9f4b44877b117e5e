"""Alipay OpenAPI with RSA2 keys, as its documentation specifies (opendocs.alipay.com,
"签名" / "验签"):

- a request is a form of the common parameters (`app_id`, `method`, `charset`,
  `sign_type=RSA2`, `timestamp`, `version`, `biz_content`…) signed by the app: the
  parameters but `sign`, with a value, sorted by name, joined as `k=v&k=v`, signed
  RSA-SHA256 (PKCS#1 v1.5) with the app private key, base64, in `sign`;
- an answer `{"<method>_response": {…}, "sign": "…"}` is signed by Alipay over the exact
  text of the `…_response` value, checked with the Alipay public key;
- a notification (a form) is signed the same way as a request, by Alipay: `sign` and
  `sign_type` left out of the signed text; checked with the Alipay public key.

Collecting: a face-to-face order `alipay.trade.precreate` (or the shop's own), then the
notification `trade_status_sync` with TRADE_SUCCESS or TRADE_FINISHED
(out_trade_no = the zengzhi order id). Paying out: 单笔转账 `alipay.fund.trans.uni.transfer`
and its query `alipay.fund.trans.common.query`.
Why not the `python-alipay-sdk` package: docs/payments.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pydantic import BaseModel, ConfigDict, Field

from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.signatures import SignatureError
from zengzhi.service.gateways import ADDRESS, keys
from zengzhi.service.gateways.outcome import Outcome, PayoutResult

GATEWAY = "https://openapi.alipay.com/gateway.do"
BEIJING = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
TRANSFER = "alipay.fund.trans.uni.transfer"
QUERY = "alipay.fund.trans.common.query"
PRECREATE = "alipay.trade.precreate"
USER_ID = re.compile(r"^2088[0-9]{12}$")
PAID = {"SUCCESS"}
FAILED = {"FAIL", "REFUND", "CLOSED"}
UNKNOWN_CODES = {"20000", "20001"}  # service unavailable, or not authorized now
UNKNOWN_SUB_CODES = {"SYSTEM_ERROR", "isp.unknow-error", "aop.unknow-error"}


class AlipayConfig(BaseModel):
    """What the Alipay open platform (开放平台) gives; kept encrypted at rest."""

    model_config = ConfigDict(extra="forbid")

    app_id: str = Field(pattern=r"^[0-9]{8,32}$")
    private_key: str = Field(min_length=100, description="the app private key, PEM")
    alipay_public_key: str = Field(min_length=100, description="the Alipay public key, PEM")
    gateway_url: str = Field(
        default=GATEWAY, max_length=300, pattern=ADDRESS, description="the gateway (a sandbox)"
    )
    notify_url: str | None = Field(default=None, max_length=300, pattern=ADDRESS)

    def check(self) -> None:
        keys.private_key(self.private_key)
        keys.public_key(self.alipay_public_key, "alipay_public_key")


def signed_text(params: Mapping[str, str], leave_out: frozenset[str]) -> str:
    return "&".join(
        f"{name}={params[name]}"
        for name in sorted(params)
        if name not in leave_out and params[name]
    )


def sign(key: rsa.RSAPrivateKey, text: str) -> str:
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def check_signature(key: rsa.RSAPublicKey, text: str, signature: str, field: str) -> None:
    try:
        key.verify(
            base64.b64decode(signature, validate=True),
            text.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, binascii.Error, ValueError):
        raise SignatureError("signature", "the signature does not match", field) from None


def response_text(raw: str, name: str) -> str | None:
    """The exact text of the value of `name` in Alipay's JSON answer (what it signed)."""
    found = re.search(rf'"{re.escape(name)}"\s*:\s*', raw)
    if found is None:
        return None
    start = found.end()
    if start >= len(raw) or raw[start] != "{":
        return None
    depth, inside, escaped = 0, False, False
    for index in range(start, len(raw)):
        char = raw[index]
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return raw[start : index + 1]
    return None


class Alipay:
    """One app's client: signs requests, verifies answers and notifications."""

    def __init__(self, config: AlipayConfig, tolerance: int) -> None:
        self.config = config
        self._tolerance = tolerance

    def notification(self, body: bytes, now: datetime) -> dict[str, Any]:
        """A notification, verified, as the generic one (service/payments)."""
        try:
            params = dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            raise invalid("body", "is not an Alipay notification form") from None
        given = params.get("sign", "")
        if not given:
            raise SignatureError("signature", "the signature is missing", "sign")
        if params.get("sign_type", "RSA2") != "RSA2":
            raise SignatureError("signature", "only RSA2 is accepted", "sign_type")
        text = signed_text(params, frozenset({"sign", "sign_type"}))
        check_signature(
            keys.public_key(self.config.alipay_public_key, "alipay_public_key"), text, given, "sign"
        )
        if params.get("app_id") != self.config.app_id:
            raise SignatureError("signature", "sent for another app", "app_id")
        try:
            sent = datetime.strptime(params.get("notify_time", ""), TIME_FORMAT)
        except ValueError:
            raise SignatureError("signature", "a time is required", "notify_time") from None
        away = abs((now - sent.replace(tzinfo=BEIJING)).total_seconds())
        if away > self._tolerance:
            raise SignatureError(
                "stale",
                f"notify_time is {int(away)} s away from now; at most {self._tolerance} s is"
                " accepted",
                "notify_time",
            )
        status = params.get("trade_status")
        if status not in {"TRADE_SUCCESS", "TRADE_FINISHED"}:
            raise invalid("trade_status", f"{status!r} pays nothing")
        return {
            "id": params.get("notify_id"),
            "type": "payment.succeeded",
            "order": params.get("out_trade_no"),
            "amount": params.get("total_amount"),
            "payment": params.get("trade_no"),
        }

    def call(
        self,
        client: httpx.Client,
        method: str,
        biz: Mapping[str, Any],
        now: datetime,
        notify_url: str | None = None,
    ) -> dict[str, Any]:
        """One OpenAPI call; its answer, verified (else SignatureError)."""
        params = {
            "app_id": self.config.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": now.astimezone(BEIJING).strftime(TIME_FORMAT),
            "version": "1.0",
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
        }
        if notify_url:
            params["notify_url"] = notify_url
        params["sign"] = sign(
            keys.private_key(self.config.private_key), signed_text(params, frozenset({"sign"}))
        )
        response = client.post(self.config.gateway_url, data=params)
        raw = response.text
        name = method.replace(".", "_") + "_response"
        content = response_text(raw, name)
        try:
            signature = json.loads(raw).get("sign")
        except (ValueError, AttributeError):
            signature = None
        if content is None or not signature:
            raise SignatureError(
                "signature", f"an unsigned answer (HTTP {response.status_code})", "sign"
            )
        check_signature(
            keys.public_key(self.config.alipay_public_key, "alipay_public_key"),
            content,
            signature,
            "sign",
        )
        data = json.loads(content)
        return data if isinstance(data, dict) else {}

    def transfer(
        self,
        client: httpx.Client,
        out_no: str,
        account: str,
        real_name: str,
        amount: str,
        title: str,
        now: datetime,
    ) -> PayoutResult:
        payee: dict[str, str] = {"identity": account}
        if USER_ID.match(account):
            payee["identity_type"] = "ALIPAY_USER_ID"
        else:
            payee |= {"identity_type": "ALIPAY_LOGON_ID", "name": real_name}
        biz = {
            "out_biz_no": out_no,
            "trans_amount": amount,
            "product_code": "TRANS_ACCOUNT_NO_PWD",
            "biz_scene": "DIRECT_TRANSFER",
            "order_title": title[:64],
            "payee_info": payee,
        }
        return _result(self.call(client, TRANSFER, biz, now))

    def query(self, client: httpx.Client, out_no: str, now: datetime) -> PayoutResult:
        biz = {
            "out_biz_no": out_no,
            "product_code": "TRANS_ACCOUNT_NO_PWD",
            "biz_scene": "DIRECT_TRANSFER",
        }
        data = self.call(client, QUERY, biz, now)
        if data.get("sub_code") == "ORDER_NOT_EXIST":
            return PayoutResult(Outcome.NOT_FOUND, "the transfer is unknown to Alipay")
        return _result(data)

    def precreate(
        self, client: httpx.Client, order: str, amount: str, subject: str, now: datetime
    ) -> str:
        """A face-to-face payment (the buyer scans a QR code) of an order; its `qr_code`."""
        biz = {"out_trade_no": order, "total_amount": amount, "subject": subject[:256]}
        data = self.call(client, PRECREATE, biz, now, self.config.notify_url)
        if data.get("code") != "10000" or not isinstance(data.get("qr_code"), str):
            raise DomainError(
                ErrorCode.CONFLICT,
                f"Alipay refused the order: {data.get('sub_code') or data.get('code')}"
                f" {data.get('sub_msg', '')}".strip(),
                "order",
            )
        return str(data["qr_code"])


def _result(data: Mapping[str, Any]) -> PayoutResult:
    code, sub = str(data.get("code", "")), str(data.get("sub_code", ""))
    if code in UNKNOWN_CODES or sub in UNKNOWN_SUB_CODES or not code:
        return PayoutResult(Outcome.UNKNOWN, f"{code} {sub}".strip() or "no code")
    if code != "10000":  # refused as asked: PAYEE_NOT_EXIST, BALANCE_IS_NOT_ENOUGH…
        return PayoutResult(Outcome.FAILED, f"{sub or code}: {data.get('sub_msg', '')}"[:300])
    status = str(data.get("status", ""))
    reference = str(data.get("order_id") or "") or None
    if status in PAID:
        return PayoutResult(Outcome.PAID, status, reference)
    if status in FAILED:
        return PayoutResult(Outcome.FAILED, str(data.get("fail_reason") or status), reference)
    return PayoutResult(Outcome.PENDING, status or "accepted", reference)
