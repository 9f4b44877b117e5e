"""WeChat Pay API v3, as its documentation specifies (pay.weixin.qq.com, "APIv3"):

- every request is signed by the merchant: `Authorization: WECHATPAY2-SHA256-RSA2048
  mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…`, the signature RSA-SHA256
  (PKCS#1 v1.5) over "METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n", base64;
- every answer and notification is signed by WeChat Pay: `Wechatpay-Timestamp`,
  `Wechatpay-Nonce`, `Wechatpay-Signature`, `Wechatpay-Serial`, over
  "TIMESTAMP\\nNONCE\\nBODY\\n", checked with the platform certificate of that serial
  (pinned in the adapter's configuration, inside its validity) or the WeChat Pay public
  key of that id;
- a notification's `resource` is AES-256-GCM encrypted with the APIv3 key;
- a payee's real name goes RSA-OAEP encrypted with the platform key.

Collecting: a Native order `POST /v3/pay/transactions/native` (or the shop's own JSAPI/H5
order), then the notification `TRANSACTION.SUCCESS` (out_trade_no = the zengzhi order id).
Paying out: 商家转账 `POST /v3/fund-app/mch-transfer/transfer-bills`, its query by
`out_bill_no`, and its notification `MCHTRANSFER.BILL.FINISHED`.
Why not the `wechatpayv3` package: docs/payments.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, ConfigDict, Field

from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.signatures import SignatureError
from zengzhi.service.gateways import ADDRESS, TOKEN, keys
from zengzhi.service.gateways.outcome import Outcome, PayoutResult

API = "https://api.mch.weixin.qq.com"
SCHEME = "WECHATPAY2-SHA256-RSA2048"
TRANSFER_PATH = "/v3/fund-app/mch-transfer/transfer-bills"
NATIVE_PATH = "/v3/pay/transactions/native"
PAID = {"SUCCESS"}
FAILED = {"FAIL", "CANCELLED"}


class WechatConfig(BaseModel):
    """What the merchant platform (商户平台) gives; kept encrypted at rest."""

    model_config = ConfigDict(extra="forbid")

    mchid: str = Field(pattern=r"^[0-9]{6,32}$", description="商户号")
    appid: str = Field(
        min_length=3, max_length=64, pattern=TOKEN, description="the app whose openids are paid"
    )
    serial_no: str = Field(
        pattern=r"^[0-9A-Fa-f]{8,64}$", description="the merchant API certificate's serial"
    )
    private_key: str = Field(min_length=100, description="the merchant API private key, PEM")
    apiv3_key: str = Field(min_length=32, max_length=32, pattern=TOKEN, description="APIv3 密钥")
    platform_certificates: list[str] = Field(
        default=[], max_length=10, description="WeChat Pay platform certificates, PEM"
    )
    public_key_id: str | None = Field(
        default=None, max_length=128, pattern=TOKEN, description="WeChat Pay public key id"
    )
    public_key: str | None = Field(default=None, description="WeChat Pay public key, PEM")
    api_url: str = Field(
        default=API, max_length=300, pattern=ADDRESS, description="the API's address (a sandbox)"
    )
    notify_url: str | None = Field(
        default=None, max_length=300, pattern=ADDRESS, description="where transfer results go"
    )
    transfer_scene_id: str = Field(default="1000", pattern=r"^[0-9]{4}$")

    def check(self) -> None:
        """Every key parses (else an error naming the field)."""
        keys.private_key(self.private_key)
        for certificate in self.platform_certificates:
            _certificate(certificate)
        if (self.public_key is None) != (self.public_key_id is None):
            raise invalid("public_key", "give the public key and its id together")
        if self.public_key is not None:
            keys.public_key(self.public_key, "public_key")
        if not self.platform_certificates and self.public_key is None:
            raise invalid(
                "platform_certificates", "a platform certificate or the public key is needed"
            )


def _certificate(pem: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise invalid("platform_certificates", "is not a PEM certificate") from None


def serial_of(certificate: x509.Certificate) -> str:
    return f"{certificate.serial_number:X}"


def pinned(pems: list[str], now: datetime, keep: int = 10) -> list[str]:
    """Certificates to keep: one per serial, not expired, the latest-expiring first."""
    by_serial: dict[str, tuple[x509.Certificate, str]] = {}
    for pem in pems:
        certificate = _certificate(pem)
        if certificate.not_valid_after_utc >= now:
            by_serial[serial_of(certificate)] = (certificate, pem)
    ordered = sorted(by_serial.values(), key=lambda pair: pair[0].not_valid_after_utc)
    return [pem for _, pem in reversed(ordered)][:keep]


def certificate_serials(pems: list[str]) -> list[str]:
    return [serial_of(_certificate(pem)) for pem in pems]


def sign(key: rsa.RSAPrivateKey, message: str) -> str:
    signature = key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def authorization(
    config: WechatConfig, method: str, path: str, body: str, timestamp: int, nonce: str
) -> str:
    message = f"{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n"
    signature = sign(keys.private_key(config.private_key), message)
    return (
        f'{SCHEME} mchid="{config.mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{config.serial_no}"'
    )


def open_sealed(apiv3_key: str, resource: Mapping[str, Any], field: str) -> bytes:
    """What WeChat Pay sealed with the APIv3 key (AEAD_AES_256_GCM): authentic, as only
    WeChat Pay and the merchant hold that key; else SignatureError naming `field`."""
    try:
        if resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise ValueError("algorithm")
        return AESGCM(apiv3_key.encode()).decrypt(
            str(resource["nonce"]).encode(),
            base64.b64decode(str(resource["ciphertext"]), validate=True),
            str(resource.get("associated_data") or "").encode(),
        )
    except (InvalidTag, KeyError, ValueError, binascii.Error, TypeError):
        raise SignatureError("signature", "does not decrypt with the APIv3 key", field) from None


def decrypt(apiv3_key: str, resource: Mapping[str, Any]) -> dict[str, Any]:
    """A notification's resource, decrypted and parsed."""
    clear = open_sealed(apiv3_key, resource, "resource")
    try:
        data = json.loads(clear)
    except ValueError:
        raise invalid("resource", "is not JSON") from None
    if not isinstance(data, dict):
        raise invalid("resource", "is not a JSON object")
    return data


class WechatPay:
    """One merchant's client: signs requests, verifies answers and notifications."""

    def __init__(self, config: WechatConfig, tolerance: int) -> None:
        self.config = config
        self._tolerance = tolerance

    def _verifier(self, serial: str, now: datetime) -> rsa.RSAPublicKey:
        if self.config.public_key_id is not None and serial == self.config.public_key_id:
            assert self.config.public_key is not None
            return keys.public_key(self.config.public_key, "public_key")
        for pem in self.config.platform_certificates:
            certificate = _certificate(pem)
            if serial_of(certificate) != serial.upper():
                continue
            if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
                raise SignatureError(
                    "signature",
                    f"platform certificate {serial} is not valid now",
                    "Wechatpay-Serial",
                )
            key = certificate.public_key()
            if not isinstance(key, rsa.RSAPublicKey):
                break
            return key
        raise SignatureError(
            "signature", f"no platform certificate or public key {serial!r}", "Wechatpay-Serial"
        )

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        """An answer or notification from WeChat Pay (headers with lower-case names),
        checked: signed with the platform key of its serial, fresh; else SignatureError."""
        stamp = headers.get("wechatpay-timestamp", "")
        nonce = headers.get("wechatpay-nonce", "")
        given = headers.get("wechatpay-signature", "")
        if not (stamp.isascii() and stamp.isdigit() and 0 < len(stamp) <= 12):
            raise SignatureError("signature", "a Unix timestamp is required", "Wechatpay-Timestamp")
        if not nonce or not given:
            raise SignatureError("signature", "the signature is missing", "Wechatpay-Signature")
        if headers.get("wechatpay-signature-type", SCHEME) != SCHEME:
            raise SignatureError("signature", "an unknown scheme", "Wechatpay-Signature-Type")
        key = self._verifier(headers.get("wechatpay-serial", ""), now)
        message = f"{stamp}\n{nonce}\n".encode() + body + b"\n"
        try:
            key.verify(
                base64.b64decode(given, validate=True),
                message,
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, binascii.Error, ValueError):
            raise SignatureError(
                "signature", "the signature does not match the body", "Wechatpay-Signature"
            ) from None
        if abs(int(now.timestamp()) - int(stamp)) > self._tolerance:
            raise SignatureError(
                "stale",
                f"the timestamp is {abs(int(now.timestamp()) - int(stamp))} s away from now;"
                f" at most {self._tolerance} s is accepted",
                "Wechatpay-Timestamp",
            )

    def notification(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> dict[str, Any]:
        """A notification, verified and decrypted, as the generic one (service/payments)."""
        self.verify(headers, body, now)
        try:
            envelope = json.loads(body)
            event, resource = str(envelope["event_type"]), envelope["resource"]
            notification_id = str(envelope["id"])
        except (ValueError, KeyError, TypeError):
            raise invalid("body", "is not a WeChat Pay notification") from None
        data = decrypt(self.config.apiv3_key, resource)
        if event == "TRANSACTION.SUCCESS":
            if data.get("mchid") != self.config.mchid or data.get("trade_state") != "SUCCESS":
                raise invalid("resource", "not a successful payment to this merchant")
            amount = data.get("amount") or {}
            total = amount.get("total")
            if not isinstance(total, int) or amount.get("currency", "CNY") != "CNY":
                raise invalid("amount", "is not an amount in fen of CNY")
            return {
                "id": notification_id,
                "type": "payment.succeeded",
                "order": data.get("out_trade_no"),
                "amount": format_minor(total, 2),
                "payment": data.get("transaction_id"),
            }
        if event == "MCHTRANSFER.BILL.FINISHED":
            state = data.get("state")
            if state not in PAID | FAILED:
                raise invalid("state", f"is {state!r}, not a finished transfer")
            return {
                "id": notification_id,
                "type": "payout.succeeded" if state in PAID else "payout.failed",
                "payout": data.get("out_bill_no"),
            } | ({} if state in PAID else {"reason": str(data.get("fail_reason") or state)})
        raise invalid("event_type", f"{event!r} is not handled")

    # ------------------------------------------------------------------ requests

    def download_certificates(self, client: httpx.Client, now: datetime) -> list[str]:
        """WeChat Pay's platform certificates now (`GET /v3/certificates`), as PEM. Each
        comes sealed with the APIv3 key, which is what makes it trusted (a certificate
        rotated in is not pinned yet); the answer's signature is then checked with the
        pinned and the downloaded ones."""
        path = "/v3/certificates"
        nonce = secrets.token_hex(16).upper()
        response = client.get(
            self.config.api_url.rstrip("/") + path,
            headers={
                "Authorization": authorization(
                    self.config, "GET", path, "", int(now.timestamp()), nonce
                ),
                "Accept": "application/json",
            },
        )
        if response.status_code != 200:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"WeChat Pay refused the certificates: HTTP {response.status_code}",
                "platform_certificates",
            )
        try:
            entries = response.json()["data"]
            sealed = [entry["encrypt_certificate"] for entry in entries]
        except (ValueError, KeyError, TypeError):
            raise invalid("platform_certificates", "not a certificate list") from None
        found = [
            open_sealed(self.config.apiv3_key, one, "platform_certificates").decode()
            for one in sealed
        ]
        for pem in found:
            _certificate(pem)
        lowered = {name.lower(): value for name, value in response.headers.items()}
        every = self.config.platform_certificates + found
        trusted = self.config.model_copy(update={"platform_certificates": every})
        WechatPay(trusted, self._tolerance).verify(lowered, response.content, now)
        return found

    def _call(
        self, client: httpx.Client, method: str, path: str, payload: Any, now: datetime
    ) -> tuple[int, dict[str, Any]]:
        body = "" if payload is None else json.dumps(payload, ensure_ascii=False)
        nonce = secrets.token_hex(16).upper()
        headers = {
            "Authorization": authorization(
                self.config, method, path, body, int(now.timestamp()), nonce
            ),
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        if payload is not None and self.config.platform_certificates:
            headers["Wechatpay-Serial"] = self._encryption_serial(now)
        response = client.request(
            method, self.config.api_url.rstrip("/") + path, content=body.encode(), headers=headers
        )
        lowered = {name.lower(): value for name, value in response.headers.items()}
        if response.status_code < 500:  # an answer: WeChat Pay signs it, errors too
            self.verify(lowered, response.content, now)
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {}
        return response.status_code, data if isinstance(data, dict) else {}

    def _encryption_serial(self, now: datetime) -> str:
        if self.config.public_key_id is not None:
            return self.config.public_key_id
        return serial_of(self._encryption_certificate(now))

    def _encryption_certificate(self, now: datetime) -> x509.Certificate:
        valid = [
            c
            for c in map(_certificate, self.config.platform_certificates)
            if c.not_valid_before_utc <= now <= c.not_valid_after_utc
        ]
        if not valid:
            raise DomainError(
                ErrorCode.CONFLICT, "no platform certificate is valid now", "platform_certificates"
            )
        return max(valid, key=lambda c: c.not_valid_after_utc)

    def _encrypt_name(self, name: str, now: datetime) -> str:
        if self.config.public_key is not None:
            key: Any = keys.public_key(self.config.public_key, "public_key")
        else:
            key = self._encryption_certificate(now).public_key()
        sealed = key.encrypt(
            name.encode(),
            padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None),
        )
        return base64.b64encode(sealed).decode()

    def transfer(
        self,
        client: httpx.Client,
        out_no: str,
        openid: str,
        real_name: str,
        fen: int,
        remark: str,
        now: datetime,
    ) -> PayoutResult:
        payload: dict[str, Any] = {
            "appid": self.config.appid,
            "out_bill_no": out_no,
            "transfer_scene_id": self.config.transfer_scene_id,
            "openid": openid,
            "transfer_amount": fen,
            "transfer_remark": remark[:32],
            "transfer_scene_report_infos": [
                {"info_type": "活动名称", "info_content": "积分返利提现"},
                {"info_type": "奖励说明", "info_content": "会员提现"},
            ],
        }
        if fen >= 30:  # 0.30 yuan and more: the payee's real name is checked
            payload["user_name"] = self._encrypt_name(real_name, now)
        if self.config.notify_url:
            payload["notify_url"] = self.config.notify_url
        status, data = self._call(client, "POST", TRANSFER_PATH, payload, now)
        return _result(status, data)

    def query(self, client: httpx.Client, out_no: str, now: datetime) -> PayoutResult:
        path = f"{TRANSFER_PATH}/out-bill-no/{out_no}"
        status, data = self._call(client, "GET", path, None, now)
        if status == 404:
            return PayoutResult(Outcome.NOT_FOUND, "the transfer is unknown to WeChat Pay")
        return _result(status, data)

    def cancel(self, client: httpx.Client, out_no: str, now: datetime) -> str:
        """Ask WeChat Pay to withdraw a transfer the payee has not confirmed (撤销转账);
        the state it answers (CANCELING, CANCELLED). Accepted is not done: the query
        settles it. A refusal (confirmed already, no such transfer) raises a conflict."""
        path = f"{TRANSFER_PATH}/out-bill-no/{out_no}/cancel"
        status, data = self._call(client, "POST", path, None, now)
        said = f"{data.get('code', status)} {data.get('message', '')}".strip()[:200]
        if status >= 500 or data.get("code") in {"SYSTEM_ERROR", "FREQUENCY_LIMITED"}:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"WeChat Pay could not take it now ({said}): ask again",
                "adapter",
            )
        if status >= 400:
            raise DomainError(
                ErrorCode.CONFLICT, f"WeChat Pay did not withdraw the transfer: {said}", "status"
            )
        return str(data.get("state", ""))

    def native_order(
        self, client: httpx.Client, order: str, fen: int, description: str, now: datetime
    ) -> str:
        """A Native payment (the buyer scans a QR code) of an order; its `code_url`.
        JSAPI and H5 orders are the shop's: any of them notifies the same way."""
        if not self.config.notify_url:
            raise invalid("notify_url", "WeChat Pay needs it to notify the payment")
        payload = {
            "appid": self.config.appid,
            "mchid": self.config.mchid,
            "description": description[:127],
            "out_trade_no": order,
            "notify_url": self.config.notify_url,
            "amount": {"total": fen, "currency": "CNY"},
        }
        status, data = self._call(client, "POST", NATIVE_PATH, payload, now)
        if status != 200 or not isinstance(data.get("code_url"), str):
            raise DomainError(
                ErrorCode.CONFLICT,
                f"WeChat Pay refused the order: {data.get('code', status)}"
                f" {data.get('message', '')}".strip(),
                "order",
            )
        return str(data["code_url"])


def _result(status: int, data: Mapping[str, Any]) -> PayoutResult:
    if status >= 500 or data.get("code") in {"SYSTEM_ERROR", "FREQUENCY_LIMITED"}:
        return PayoutResult(Outcome.UNKNOWN, f"HTTP {status} {data.get('code', '')}".strip())
    if status >= 400:  # refused as asked (PARAM_ERROR, NOT_ENOUGH, INVALID_REQUEST…)
        return PayoutResult(
            Outcome.FAILED, f"{data.get('code', status)}: {data.get('message', '')}"[:300]
        )
    state = str(data.get("state", ""))
    reference = str(data.get("transfer_bill_no") or "") or None
    if state in PAID:
        return PayoutResult(Outcome.PAID, state, reference)
    if state in FAILED:
        return PayoutResult(Outcome.FAILED, str(data.get("fail_reason") or state), reference)
    package = str(data.get("package_info") or "") or None
    return PayoutResult(Outcome.PENDING, state or "accepted", reference, package)
