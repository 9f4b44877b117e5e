"""Local fakes of WeChat Pay API v3 and Alipay's OpenAPI gateway: small ASGI apps that
verify what they receive and sign what they send exactly as the real ones document
(keys generated here, per test module). They keep the transfers they made, pay one
transfer number once, and can be told how to answer the next transfer: "pay", "fail",
"pending", or "down" (never reached); a transport can lose the answer after the gateway
acted ("lost": a timeout)."""

from __future__ import annotations

import base64
import itertools
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from zengzhi.service.gateways import alipay, wechatpay

BEIJING = alipay.BEIJING


# A key takes about 60 ms to make and a test asks for three to five (a merchant's, the
# gateway's, a forger's): keys come from a ring made once a process, each call the next,
# so the keys of one test differ while the ring lasts (more calls than KEYS in one test
# would meet a key again).
KEYS = 12
_ring: list[rsa.RSAPrivateKey] = []
_next = itertools.count()


def rsa_key() -> rsa.RSAPrivateKey:
    n = next(_next) % KEYS
    if n == len(_ring):
        _ring.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _ring[n]


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def certificate(key: rsa.RSAPrivateKey, start: datetime, days: int) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA (test)")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


def rsa_sign(key: rsa.RSAPrivateKey, text: bytes) -> str:
    return base64.b64encode(key.sign(text, padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(key: rsa.RSAPublicKey, signature: str, text: bytes) -> bool:
    try:
        key.verify(base64.b64decode(signature), text, padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        return False
    return True


def package_of(out_no: str) -> str:
    """The confirmation package WeChat Pay answers for a transfer waiting for its payee
    (opaque base64 there; made from the number here, so that a test can expect it)."""
    return base64.b64encode(f"package of {out_no}".encode()).decode()


@dataclass
class Transfer:
    out_no: str
    payee: str
    name: str | None
    amount: str  # as asked: fen for WeChat Pay, yuan for Alipay
    state: str


@dataclass
class Gateway:
    """What both fakes share: transfers by number, how to answer the next one."""

    clock: Any
    transfers: dict[str, Transfer] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # requests whose signature failed
    next: str = "pay"  # pay, fail, pending, down
    accounts: dict[str, str] = field(default_factory=dict)  # payee account → real name
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # QR-code orders made

    def settle(self, out_no: str, state: str) -> None:
        self.transfers[out_no].state = state

    def paid(self) -> list[Transfer]:
        return [one for one in self.transfers.values() if one.state == "SUCCESS"]


class LosingTransport(httpx.BaseTransport):
    """Sends to the fake; `mode` "down": never arrives (connection refused); "lost": the
    gateway acts, the answer never comes back (a read timeout); "late": the request is
    on its way (a write timeout here) and reaches the gateway when `arrive()` is called."""

    def __init__(self, fake: TestClient, gateway: Gateway) -> None:
        self.fake = fake
        self.gateway = gateway
        self.mode = "ok"
        self.on_the_way: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if self.mode == "late":
            request.read()
            self.on_the_way.append(request)
            raise httpx.WriteTimeout("still sending", request=request)
        answer = self._deliver(request)
        if self.mode == "lost":
            raise httpx.ReadTimeout("no answer", request=request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    def arrive(self) -> None:
        """The requests still on their way reach the gateway (nobody waits for the answer)."""
        while self.on_the_way:
            self._deliver(self.on_the_way.pop(0))

    def _deliver(self, request: httpx.Request) -> Any:
        return self.fake.request(
            request.method, str(request.url), headers=dict(request.headers), content=request.read()
        )


# ---------------------------------------------------------------------------- WeChat Pay


class FakeWechat(Gateway):
    def __init__(self, clock: Any) -> None:
        super().__init__(clock)
        self.merchant = rsa_key()
        self.platform = rsa_key()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        self.certificate = certificate(self.platform, start, 3650)
        self.serial = f"{self.certificate.serial_number:X}"
        self.apiv3_key = secrets.token_hex(16)  # 32 characters
        self.mchid = "1900000109"
        self.merchant_serial = secrets.token_hex(20).upper()
        self.app = Starlette(
            routes=[
                Route(wechatpay.TRANSFER_PATH, self._transfer, methods=["POST"]),
                Route(wechatpay.NATIVE_PATH, self._native, methods=["POST"]),
                Route("/v3/certificates", self._certificates, methods=["GET"]),
                Route(
                    wechatpay.TRANSFER_PATH + "/out-bill-no/{out_no}",
                    self._query,
                    methods=["GET"],
                ),
                Route(
                    wechatpay.TRANSFER_PATH + "/out-bill-no/{out_no}/cancel",
                    self._cancel,
                    methods=["POST"],
                ),
            ]
        )
        # what a cancel of a transfer the payee has not confirmed leaves: CANCELLED at once,
        # or CANCELING (WeChat Pay refunds it later: `settle(out_no, "CANCELLED")`)
        self.cancelled_as = "CANCELLED"

    def rotate(self) -> None:
        """WeChat Pay's new platform key and certificate, signing from now on."""
        self.platform = rsa_key()
        self.certificate = certificate(self.platform, datetime(2026, 6, 1, tzinfo=UTC), 3650)
        self.serial = f"{self.certificate.serial_number:X}"

    async def _certificates(self, request: Request) -> Response:
        if not self._authorized(request, b""):
            return self._answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        pem = self.certificate.public_bytes(serialization.Encoding.PEM)
        nonce = secrets.token_hex(6)
        sealed = AESGCM(self.apiv3_key.encode()).encrypt(nonce.encode(), pem, b"certificate")
        entry = {
            "serial_no": self.serial,
            "effective_time": "2026-06-01T00:00:00+08:00",
            "expire_time": "2036-06-01T00:00:00+08:00",
            "encrypt_certificate": {
                "algorithm": "AEAD_AES_256_GCM",
                "nonce": nonce,
                "associated_data": "certificate",
                "ciphertext": base64.b64encode(sealed).decode(),
            },
        }
        return self._answer(200, {"data": [entry]})

    def config(self, **more: Any) -> dict[str, Any]:
        return {
            "mchid": self.mchid,
            "appid": "wx8888888888888888",
            "serial_no": self.merchant_serial,
            "private_key": private_pem(self.merchant),
            "apiv3_key": self.apiv3_key,
            "platform_certificates": [
                self.certificate.public_bytes(serialization.Encoding.PEM).decode()
            ],
            "notify_url": "https://zengzhi.example/v1/gateway/t/notifications",
        } | more

    def signed(
        self, body: bytes, *, key: rsa.RSAPrivateKey | None = None, age: int = 0
    ) -> dict[str, str]:
        stamp = str(int(self.clock().timestamp()) - age)
        nonce = secrets.token_hex(16)
        message = f"{stamp}\n{nonce}\n".encode() + body + b"\n"
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": rsa_sign(key or self.platform, message),
            "Wechatpay-Serial": self.serial,
            "Wechatpay-Signature-Type": wechatpay.SCHEME,
        }

    def _answer(self, status: int, data: dict[str, Any]) -> Response:
        body = json.dumps(data).encode()
        return Response(body, status, headers=self.signed(body), media_type="application/json")

    def _authorized(self, request: Request, body: bytes) -> bool:
        """The merchant's signature, checked as WeChat Pay does."""
        header = request.headers.get("authorization", "")
        scheme, _, fields = header.partition(" ")
        values = dict(part.split("=", 1) for part in fields.split(",") if "=" in part)
        values = {k: v.strip('"') for k, v in values.items()}
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        message = (
            (
                f"{request.method}\n{path}\n{values.get('timestamp')}\n{values.get('nonce_str')}\n"
            ).encode()
            + body
            + b"\n"
        )
        fresh = abs(int(values.get("timestamp", "0")) - self.clock().timestamp()) <= 300
        return (
            scheme == wechatpay.SCHEME
            and values.get("mchid") == self.mchid
            and values.get("serial_no") == self.merchant_serial
            and fresh
            and rsa_verify(self.merchant.public_key(), values.get("signature", ""), message)
        )

    async def _transfer(self, request: Request) -> Response:
        body = await request.body()
        if not self._authorized(request, body):
            self.refused.append("authorization")
            return self._answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        data = json.loads(body)
        out_no = data["out_bill_no"]
        if out_no in self.transfers:  # the same number: the same transfer, not another
            return self._answer(200, self._bill(self.transfers[out_no]))
        name = None
        if "user_name" in data:
            name = self.platform.decrypt(
                base64.b64decode(data["user_name"]),
                padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None),
            ).decode()
        state = {"pay": "SUCCESS", "fail": "FAIL", "pending": "WAIT_USER_CONFIRM"}[self.next]
        if self.accounts.get(data["openid"]) != name:
            state = "FAIL"
        transfer = Transfer(out_no, data["openid"], name, str(data["transfer_amount"]), state)
        self.transfers[out_no] = transfer
        return self._answer(200, self._bill(transfer))

    async def _native(self, request: Request) -> Response:
        body = await request.body()
        if not self._authorized(request, body):
            self.refused.append("authorization")
            return self._answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        data = json.loads(body)
        if data["mchid"] != self.mchid or not data.get("notify_url"):
            return self._answer(400, {"code": "PARAM_ERROR", "message": "参数错误"})
        self.orders[data["out_trade_no"]] = data
        return self._answer(
            200, {"code_url": f"weixin://wxpay/bizpayurl?pr={secrets.token_hex(4)}"}
        )

    def _bill(self, transfer: Transfer) -> dict[str, Any]:
        bill = {
            "out_bill_no": transfer.out_no,
            "transfer_bill_no": "1330000071100999991182020050700019480001",
            "create_time": "2026-11-21T17:00:00+08:00",
            "state": transfer.state,
        }
        if transfer.state == "FAIL":
            bill["fail_reason"] = "REAL_NAME_CHECK_FAIL"
        if transfer.state == "WAIT_USER_CONFIRM":  # what the payee's app confirms with
            bill["package_info"] = package_of(transfer.out_no)
        return bill

    async def _query(self, request: Request) -> Response:
        if not self._authorized(request, b""):
            return self._answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        transfer = self.transfers.get(request.path_params["out_no"])
        if transfer is None:
            return self._answer(404, {"code": "NOT_FOUND", "message": "记录不存在"})
        return self._answer(200, self._bill(transfer))

    async def _cancel(self, request: Request) -> Response:
        """撤销转账: only before the payee confirmed (WAIT_USER_CONFIRM); a transfer paid,
        failed or being withdrawn already is refused, as WeChat Pay refuses it."""
        body = await request.body()
        if not self._authorized(request, body):
            return self._answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        transfer = self.transfers.get(request.path_params["out_no"])
        if transfer is None:
            return self._answer(404, {"code": "NOT_FOUND", "message": "记录不存在"})
        if transfer.state != "WAIT_USER_CONFIRM":
            return self._answer(400, {"code": "INVALID_REQUEST", "message": "当前状态不支持撤销"})
        transfer.state = self.cancelled_as
        bill = self._bill(transfer)
        return self._answer(200, bill | {"update_time": "2026-11-21T18:00:00+08:00"})

    def notification(
        self,
        event: str,
        resource: dict[str, Any],
        *,
        notification_id: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        age: int = 0,
        apiv3_key: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        nonce = secrets.token_hex(6)  # 12 characters, as WeChat Pay's
        sealed = AESGCM((apiv3_key or self.apiv3_key).encode()).encrypt(
            nonce.encode(), json.dumps(resource).encode(), b"transaction"
        )
        body = json.dumps(
            {
                "id": notification_id or f"EV-{secrets.token_hex(8)}",
                "create_time": "2026-11-21T17:00:00+08:00",
                "resource_type": "encrypt-resource",
                "event_type": event,
                "summary": "支付成功",
                "resource": {
                    "original_type": "transaction",
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(sealed).decode(),
                    "associated_data": "transaction",
                    "nonce": nonce,
                },
            }
        ).encode()
        return body, self.signed(body, key=key, age=age) | {"Content-Type": "application/json"}

    def paid_order(self, order: str, fen: int) -> dict[str, Any]:
        return {
            "mchid": self.mchid,
            "appid": "wx8888888888888888",
            "out_trade_no": order,
            "transaction_id": "4200000000" + secrets.token_hex(5),
            "trade_state": "SUCCESS",
            "amount": {"total": fen, "payer_total": fen, "currency": "CNY"},
        }


# ---------------------------------------------------------------------------- Alipay


class FakeAlipay(Gateway):
    def __init__(self, clock: Any) -> None:
        super().__init__(clock)
        self.app_key = rsa_key()
        self.alipay_key = rsa_key()
        self.app_id = "2021000117650000"
        self.app = Starlette(routes=[Route("/gateway.do", self._gateway, methods=["POST"])])

    def config(self, **more: Any) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "private_key": private_pem(self.app_key),
            "alipay_public_key": public_pem(self.alipay_key),
        } | more

    def _answer(self, method: str, data: dict[str, Any]) -> Response:
        content = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        signature = rsa_sign(self.alipay_key, content.encode())
        name = method.replace(".", "_") + "_response"
        text = f'{{"{name}":{content},"sign":"{signature}"}}'
        return Response(text.encode(), 200, media_type="application/json;charset=utf-8")

    async def _gateway(self, request: Request) -> Response:
        params = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        method = params.get("method", "")
        text = "&".join(
            f"{k}={params[k]}" for k in sorted(params) if k != "sign" and params[k]
        ).encode()
        if params.get("app_id") != self.app_id or not rsa_verify(
            self.app_key.public_key(), params.get("sign", ""), text
        ):
            self.refused.append("sign")
            return self._answer(
                method,
                {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"},
            )
        biz = json.loads(params["biz_content"])
        if method == alipay.PRECREATE:
            self.orders[biz["out_trade_no"]] = biz | {"notify_url": params.get("notify_url")}
            return self._answer(
                method,
                {
                    "code": "10000",
                    "msg": "Success",
                    "out_trade_no": biz["out_trade_no"],
                    "qr_code": f"https://qr.alipay.com/{secrets.token_hex(6)}",
                },
            )
        out_no = biz["out_biz_no"]
        if method == alipay.QUERY:
            transfer = self.transfers.get(out_no)
            if transfer is None:
                return self._answer(
                    method,
                    {"code": "40004", "msg": "Business Failed", "sub_code": "ORDER_NOT_EXIST"},
                )
            return self._answer(method, self._order(transfer))
        if out_no in self.transfers:
            return self._answer(method, self._order(self.transfers[out_no]))
        payee = biz["payee_info"]
        if self.next == "fail" or self.accounts.get(payee["identity"]) != payee.get("name"):
            return self._answer(
                method,
                {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "PAYEE_USER_INFO_ERROR",
                    "sub_msg": "收款用户姓名或证件信息错误",
                },
            )
        state = "SUCCESS" if self.next == "pay" else "DEALING"
        transfer = Transfer(
            out_no, payee["identity"], payee.get("name"), biz["trans_amount"], state
        )
        self.transfers[out_no] = transfer
        return self._answer(method, self._order(transfer))

    def _order(self, transfer: Transfer) -> dict[str, Any]:
        return {
            "code": "10000",
            "msg": "Success",
            "out_biz_no": transfer.out_no,
            "order_id": "20261121110070000006210000000001",
            "pay_fund_order_id": "20261121110070001506210000000001",
            "status": transfer.state,
            "trans_date": "2026-11-21 17:00:00",
        }

    def notification(
        self,
        order: str,
        amount: str,
        *,
        notify_id: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        age: int = 0,
        status: str = "TRADE_SUCCESS",
        trade_no: str = "2026112122001400000000000001",  # Alipay's number of the payment
    ) -> dict[str, str]:
        sent = (self.clock() - timedelta(seconds=age)).astimezone(BEIJING)
        params = {
            "notify_time": sent.strftime(alipay.TIME_FORMAT),
            "notify_type": "trade_status_sync",
            "notify_id": notify_id or secrets.token_hex(16),
            "app_id": self.app_id,
            "charset": "utf-8",
            "version": "1.0",
            "trade_no": trade_no,
            "out_trade_no": order,
            "trade_status": status,
            "total_amount": amount,
            "buyer_logon_id": "159****5620",
        }
        text = "&".join(f"{k}={params[k]}" for k in sorted(params)).encode()
        return params | {"sign_type": "RSA2", "sign": rsa_sign(key or self.alipay_key, text)}

    @staticmethod
    def form(params: dict[str, str]) -> bytes:
        return urlencode(params).encode()
