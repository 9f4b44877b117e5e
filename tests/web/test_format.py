from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from zengzhi.i18n.format import amid_chinese, grouped, local_time, moment, money, percent, worth


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0.00", "0.00"),
        ("999.99", "999.99"),
        ("1000.00", "1,000.00"),
        ("1234567.8901", "1,234,567.8901"),
        ("-1234", "\u22121,234"),  # the minus sign, as money writes it
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


def test_a_promise_in_points_worth_a_yuan_each_reads_as_money() -> None:
    assert worth("2928.0000") == "¥2,928.00"  # it read ¥2,928.0000
    assert worth("0.0050") == "¥0.0050"  # a part of a fen stays exact
    assert worth("12.50") == "¥12.50"
    assert worth(None) == "—"


def test_a_moment_is_shown_in_the_tenants_zone_with_its_offset() -> None:
    at = datetime(2026, 12, 1, 18, 5, tzinfo=UTC)
    assert moment(at) == "2026-12-01 18:05 UTC"
    assert moment(at, ZoneInfo("Asia/Shanghai")) == "2026-12-02 02:05 UTC+8"
    assert moment(at, ZoneInfo("Asia/Kolkata")) == "2026-12-01 23:35 UTC+5:30"
    assert moment(at, ZoneInfo("America/Sao_Paulo")) == "2026-12-01 15:05 UTC-3"
    assert moment(None) == "—"


def test_a_member_reads_the_same_local_time_without_the_offset() -> None:
    at = datetime(2026, 12, 1, 18, 5, tzinfo=UTC)
    zone = ZoneInfo("Asia/Shanghai")
    assert local_time(at, zone) == moment(at, zone).removesuffix(" UTC+8")
    assert local_time(at, zone) == "2026-12-02 02:05"
    assert local_time(at, zone, "zh") == "2026年12月2日 02:05"
    assert local_time(None) == "—"


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [
        ("0.7", "70%"),
        ("0.20", "20%"),
        ("3.79", "379%"),
        ("1.2345", "123.45%"),
        ("0.025", "2.5%"),
        ("0.0001", "0.01%"),
        ("0", "0%"),
        ("12", "1,200%"),
        ("-0.5", "\u221250%"),
        ("81.3%", "81.3%"),  # the service's own percentages stay
        (None, "—"),
    ],
)
def test_a_ratio_reads_as_a_percentage_with_every_digit(ratio: str | None, shown: str) -> None:
    assert percent(ratio) == shown


def test_a_name_inside_a_chinese_sentence_is_spaced_only_where_it_is_not_chinese() -> None:
    """The member page read 您在 主积分池 的积分: Chinese type puts no space between Chinese
    words, and a space between them and a Latin name (您在 local 的积分)."""
    assert f"您在{amid_chinese('主积分池')}的积分" == "您在主积分池的积分"
    assert f"您在{amid_chinese('local')}的积分" == "您在 local 的积分"
    assert f"您在{amid_chinese('VIP积分')}的积分" == "您在 VIP积分的积分"
    assert amid_chinese("") == ""
