"""The tenant's calendar: times are kept in UTC, days are counted where members live.

A "day" — an ad task's, a zone's daily run, a day's turnover, the dashboard's "today" —
is a date in the tenant's time zone, so that it turns at local midnight (in China, at
16:00 UTC) and not at midnight UTC, eight hours into the members' morning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zengzhi.core.errors import invalid

DEFAULT_TIMEZONE = "Asia/Shanghai"


def time_zone(name: str, field: str = "timezone") -> ZoneInfo:
    """The IANA time zone `name` ("Asia/Shanghai", "UTC"…), or an error naming `field`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(
            field, f"unknown time zone {name!r}: give an IANA name such as 'Asia/Shanghai'"
        ) from None


def day_of(moment: datetime, zone: tzinfo) -> date:
    """The date `moment` falls on in `zone`."""
    return moment.astimezone(zone).date()


def start_of(day: date, zone: tzinfo) -> datetime:
    """The moment (in UTC) `day` begins in `zone`."""
    return datetime.combine(day, time(), zone).astimezone(UTC)
