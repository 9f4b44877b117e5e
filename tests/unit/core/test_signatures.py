"""HMAC-SHA256 signatures over timestamp and body: forged, altered and stale refused."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from zengzhi.core.signatures import SignatureError, signature, verify

SECRET = "whsec_test"
BODY = b'{"id":"n1","type":"payment.succeeded"}'


def test_the_recipe_in_the_docs() -> None:
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, 1_700_000_000, BODY) == f"v1={expected}"


def test_a_genuine_fresh_message_verifies() -> None:
    sign = signature(SECRET, 1_700_000_000, BODY)
    assert verify(SECRET, "1700000000", sign, BODY, 1_700_000_299, 300) == 1_700_000_000
    rotating = f"v1=deadbeef, {sign}"  # several signatures while a secret is rotated
    assert verify(SECRET, "1700000000", rotating, BODY, 1_700_000_000, 300) == 1_700_000_000


@pytest.mark.parametrize(
    ("timestamp", "sign", "body", "reason", "field"),
    [
        ("1700000000", "v1=00", BODY, "signature", "X-Zengzhi-Signature"),
        ("1700000000", None, BODY, "signature", "X-Zengzhi-Signature"),
        (None, "v1=00", BODY, "signature", "X-Zengzhi-Timestamp"),
        ("soon", "v1=00", BODY, "signature", "X-Zengzhi-Timestamp"),
        ("1700000001", "good", BODY, "signature", "X-Zengzhi-Signature"),  # moved timestamp
        ("1700000000", "good", BODY + b" ", "signature", "X-Zengzhi-Signature"),  # altered
    ],
)
def test_forgeries_are_refused(
    timestamp: str | None, sign: str | None, body: bytes, reason: str, field: str
) -> None:
    if sign == "good":
        sign = signature(SECRET, 1_700_000_000, BODY)
    with pytest.raises(SignatureError) as refused:
        verify(SECRET, timestamp, sign, body, 1_700_000_000, 300)
    assert (refused.value.reason, refused.value.field, refused.value.code) == (
        reason,
        field,
        "unauthorized",
    )


def test_a_stale_message_is_refused_even_when_genuine() -> None:
    sign = signature(SECRET, 1_700_000_000, BODY)
    for now in (1_700_000_301, 1_699_999_699):
        with pytest.raises(SignatureError) as refused:
            verify(SECRET, "1700000000", sign, BODY, now, 300)
        assert refused.value.reason == "stale"
