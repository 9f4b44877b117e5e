"""The gateways' RSA private keys (service/gateways/keys.py): a PEM is loaded, and its
key checked, once a process, not at every signature; a bad PEM is refused each time,
naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.service.fake_gateways import private_pem
from zengzhi.core.errors import DomainError
from zengzhi.service.gateways import keys


def test_a_key_is_loaded_once_and_signs_as_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    pem = private_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    loads: list[str] = []
    load = keys.serialization.load_pem_private_key

    def counted(data: bytes, password: Any) -> Any:
        loads.append(data.decode())
        return load(data, password)

    monkeypatch.setattr(keys.serialization, "load_pem_private_key", counted)
    first = keys.private_key(pem)
    assert [keys.private_key(pem) for _ in range(3)] == [first] * 3
    assert loads == [pem]


def test_a_bad_key_is_refused_each_time_naming_its_field() -> None:
    for _ in range(2):  # a refusal is not remembered as a key
        with pytest.raises(DomainError) as refused:
            keys.private_key("-----BEGIN PRIVATE KEY-----\nnot a key\n", "wechat.private_key")
        assert refused.value.field == "wechat.private_key"
        assert "is not a PEM private key" in str(refused.value)
    elliptic = private_pem(ec.generate_private_key(ec.SECP256R1()))  # type: ignore[arg-type]
    with pytest.raises(DomainError) as refused:
        keys.private_key(elliptic, "alipay.private_key")
    assert refused.value.field == "alipay.private_key" and "RSA" in str(refused.value)
