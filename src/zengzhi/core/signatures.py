"""Signing a message with HMAC-SHA256 over its timestamp and body, and checking one.

Webhooks this service sends and notifications a payment gateway sends it are signed the
same way (see docs/integration.md):

```
X-Zengzhi-Timestamp: 1795251600                       (Unix seconds)
X-Zengzhi-Signature: v1=<hex HMAC-SHA256(secret, "1795251600." + body)>
```

Several `v1=` values separated by commas may be sent (while a secret is rotated); one
matching is enough. Pure: the caller gives the time.
"""

from __future__ import annotations

import hashlib
import hmac

from zengzhi.core.errors import DomainError, ErrorCode

TIMESTAMP_HEADER = "X-Zengzhi-Timestamp"
SIGNATURE_HEADER = "X-Zengzhi-Signature"
SCHEME = "v1"
MAX_TIMESTAMP_DIGITS = 12  # seconds until the year 33658


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={digest.hexdigest()}"


class SignatureError(DomainError):
    """A message that is not what it claims: `reason` is `signature` or `stale`."""

    def __init__(self, reason: str, message: str, field: str) -> None:
        super().__init__(ErrorCode.UNAUTHORIZED, message, field)
        self.reason = reason


def verify(
    secret: str,
    timestamp_header: str | None,
    signature_header: str | None,
    body: bytes,
    now: int,
    tolerance: int,
) -> int:
    """The message's timestamp, if its signature matches and it is at most `tolerance`
    seconds away from `now`; else SignatureError naming the header at fault."""
    text = (timestamp_header or "").strip()
    # ASCII digits, and few of them: "١٢٣" is a digit string too, and int() of thousands of
    # digits raises (Python's limit on converting long strings) instead of answering
    if not (0 < len(text) <= MAX_TIMESTAMP_DIGITS and text.isascii() and text.isdigit()):
        raise SignatureError(
            "signature", "a Unix timestamp in seconds is required", TIMESTAMP_HEADER
        )
    timestamp = int(text)
    if not signature_header:
        raise SignatureError("signature", "the signature is missing", SIGNATURE_HEADER)
    expected = signature(secret, timestamp, body)
    given = [part.strip() for part in signature_header.split(",")]
    if not any(hmac.compare_digest(expected, one) for one in given):
        raise SignatureError(
            "signature", "the signature does not match the body and timestamp", SIGNATURE_HEADER
        )
    check_fresh(now, timestamp, tolerance, TIMESTAMP_HEADER)
    return timestamp


def check_fresh(now: int, timestamp: int, tolerance: int, header: str) -> None:
    """A signed message is answered only near the moment it was signed: an old one
    replayed, or one dated ahead, is refused whatever its signature."""
    if abs(now - timestamp) > tolerance:
        raise SignatureError(
            "stale",
            f"the timestamp is {abs(now - timestamp)} s away from now; at most {tolerance} s "
            "is accepted",
            header,
        )
