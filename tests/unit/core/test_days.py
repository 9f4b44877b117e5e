"""A day is counted in the tenant's time zone; a bad zone is refused naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zengzhi.core.days import day_of, start_of, time_zone
from zengzhi.core.errors import DomainError

SHANGHAI = time_zone("Asia/Shanghai")


def test_a_day_in_china_turns_at_sixteen_hours_utc() -> None:
    assert day_of(datetime(2026, 11, 21, 15, 59, 59, tzinfo=UTC), SHANGHAI) == date(2026, 11, 21)
    assert day_of(datetime(2026, 11, 21, 16, 0, tzinfo=UTC), SHANGHAI) == date(2026, 11, 22)
    assert day_of(datetime(2026, 11, 21, 16, 0, tzinfo=UTC), time_zone("UTC")) == date(2026, 11, 21)
    assert start_of(date(2026, 11, 22), SHANGHAI) == datetime(2026, 11, 21, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../../etc/passwd", "Asia/"])
def test_an_unknown_zone_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(DomainError) as refused:
        time_zone(name, "settings.timezone")
    assert refused.value.field == "settings.timezone"
    assert "unknown time zone" in refused.value.message


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York", "Pacific/Chatham"]),
)
def test_a_moment_lies_in_the_day_it_is_counted_in(moment: datetime, name: str) -> None:
    zone = time_zone(name)
    day = day_of(moment, zone)
    assert start_of(day, zone) <= moment < start_of(day + timedelta(days=1), zone)
