"""What the console's lists share: their page size, and the days a search names, turned
where the tenant's days turn (a page's count: `counting.bounded_count`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Connection

from zengzhi.core.days import start_of
from zengzhi.store.tenants import tenant_time_zone

PAGE_SIZE = 50


def within_days(
    connection: Connection,
    tenant: str,
    column: ColumnElement[datetime],
    since: date | None,
    until: date | None,
) -> list[ColumnElement[bool]]:
    """What keeps `column` within the days `since` to `until` (both included; either may
    be open), the days as they turn in the tenant's time zone."""
    if since is None and until is None:
        return []
    zone = tenant_time_zone(connection, tenant)
    found: list[ColumnElement[bool]] = []
    if since is not None:
        found.append(column >= start_of(since, zone))
    if until is not None:
        found.append(column < start_of(until + timedelta(days=1), zone))
    return found
