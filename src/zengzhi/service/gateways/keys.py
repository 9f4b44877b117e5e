"""The RSA keys both gateways are configured with, read from PEM once, a bad one refused
naming the configuration field it came in."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from zengzhi.core.errors import invalid


def private_key(pem: str, field: str = "private_key") -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise invalid(field, "is not a PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise invalid(field, "is not an RSA key")
    return key


def public_key(pem: str, field: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        raise invalid(field, "is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise invalid(field, "is not an RSA key")
    return key
