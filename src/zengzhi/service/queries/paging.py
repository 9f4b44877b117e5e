"""What the console's lists share: a page of a filtered list with the total, and the
days a search names, turned where the tenant's days turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select

from zengzhi.core.days import start_of
from zengzhi.store.tenants import tenant_time_zone

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Paging:
    total: int
    page: int  # the page shown: the one asked for, or the last there is
    pages: int

    def of(self, statement: Select[Any]) -> Select[Any]:
        """The statement's rows on this page."""
        return statement.limit(PAGE_SIZE).offset((self.page - 1) * PAGE_SIZE)


def paging(total: int, asked: int) -> Paging:
    pages = max(1, -(-total // PAGE_SIZE))
    return Paging(total, min(asked, pages), pages)


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
