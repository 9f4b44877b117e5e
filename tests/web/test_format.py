from __future__ import annotations

import pytest

from zengzhi.web.format import grouped, money


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0.00", "0.00"),
        ("999.99", "999.99"),
        ("1000.00", "1,000.00"),
        ("1234567.8901", "1,234,567.8901"),
        ("-1234", "-1,234"),
        ("12", "12"),
        (None, "—"),
        ("n/a", "n/a"),
    ],
)
def test_grouped_keeps_every_digit(text: str | None, shown: str) -> None:
    assert grouped(text) == shown


def test_money() -> None:
    assert money("1234.50") == "¥1,234.50"
    assert money("-5.00") == "−¥5.00"
    assert money(None) == "—"
