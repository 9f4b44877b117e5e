"""Signing per the Standard Webhooks specification (standardwebhooks.com), so a receiver
in any language verifies our webhooks with an existing library:

```
webhook-id:        evt_…                       (the event id; the same on every retry)
webhook-timestamp: 1795251600                  (Unix seconds)
webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>
```

The secret is `whsec_` + base64 of the key (32 random bytes). Several signatures may be
sent, separated by spaces (while a secret is rotated); one matching is enough. Secrets
made before this scheme (`whsec_` + URL-safe base64) are not standard base64: such a
subscription keeps only the older `X-Zengzhi-Signature` until its secret is rotated
(docs/integration.md). Pure: the caller gives the time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from zengzhi.core.signatures import MAX_TIMESTAMP_DIGITS, SignatureError, check_fresh

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
PREFIX = "whsec_"
KEY_BYTES = 32
MAX_SIGNATURES = 10  # a rotation sends two; more is someone probing


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def key_of(secret: str) -> bytes | None:
    """The key a `whsec_` secret carries, or None when it is not standard base64 (a
    secret made before this scheme)."""
    text = secret.removeprefix(PREFIX)
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return key or None


def sign(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers, or none for a secret made before this scheme."""
    key = key_of(secret)
    if key is None:
        return {}
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(key, message_id, timestamp, body),
    }


def verify(
    secret: str, given: Mapping[str, str], body: bytes, now: int, tolerance: int
) -> tuple[str, int]:
    """The message's id and timestamp, if one of its signatures matches and it is at
    most `tolerance` seconds from `now`; else SignatureError naming the header at fault.
    `given`: headers with lower-case names."""
    key = key_of(secret)
    if key is None:
        raise SignatureError("signature", "the secret is not a Standard Webhooks secret", "secret")
    message_id = given.get(ID_HEADER, "").strip()
    if not message_id:
        raise SignatureError("signature", "the message id is missing", ID_HEADER)
    text = given.get(TIMESTAMP_HEADER, "").strip()
    if not (0 < len(text) <= MAX_TIMESTAMP_DIGITS and text.isascii() and text.isdigit()):
        raise SignatureError(
            "signature", "a Unix timestamp in seconds is required", TIMESTAMP_HEADER
        )
    timestamp = int(text)
    expected = sign(key, message_id, timestamp, body).encode()
    offered = given.get(SIGNATURE_HEADER, "").split()[:MAX_SIGNATURES]
    if not any(hmac.compare_digest(expected, one.encode()) for one in offered):
        raise SignatureError(
            "signature", "no signature matches the id, timestamp and body", SIGNATURE_HEADER
        )
    check_fresh(now, timestamp, tolerance, TIMESTAMP_HEADER)
    return message_id, timestamp
