"""The RSA keys both gateways are configured with, read from PEM once, a bad one refused
naming the configuration field it came in."""

from __future__ import annotations

import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from zengzhi.core.errors import invalid


def private_key(pem: str, field: str = "private_key") -> rsa.RSAPrivateKey:
    try:
        key = _loaded(pem)
    except (ValueError, TypeError):
        raise invalid(field, "is not a PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise invalid(field, "is not an RSA key")
    return key


# Loading an RSA private key checks it, about 36 ms of CPU for 2048 bits, and every call
# to a gateway signs with the tenant's key, every check of a configuration parses it: a
# key is loaded once a process (a loaded key signs from any thread). A PEM that fails is
# not kept, and is refused again each time.
@functools.lru_cache(maxsize=256)
def _loaded(pem: str) -> PrivateKeyTypes:
    return serialization.load_pem_private_key(pem.encode(), password=None)


def public_key(pem: str, field: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        raise invalid(field, "is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise invalid(field, "is not an RSA key")
    return key
