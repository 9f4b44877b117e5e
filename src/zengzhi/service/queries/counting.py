"""A list page's count that does not read every row for each page: the rows are counted
up to a bound (10,000, or the end of the page asked for when it is deeper), so a
tenant with a million orders pays for at most that many index entries. Past the bound the
page says "more than 10,000" (`exact` False) and offers the next pages, not the last."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, literal, select

COUNT_BOUND = 10_000


@dataclass(frozen=True, slots=True)
class Counted:
    total: int  # exact, or the bound when `exact` is False
    exact: bool
    pages: int  # the pages known to hold rows (one more past a bound)
    page: int  # the page to show: the one asked for, or the last one


def bounded_count(connection: Connection, listed: Any, page: int, page_size: int) -> Counted:
    """Count `listed`'s rows (a select, its order ignored) up to the bound."""
    bound = max(COUNT_BOUND, page * page_size)
    rows = listed.order_by(None).with_only_columns(literal(1)).limit(bound + 1).subquery()
    found = int(connection.execute(select(func.count()).select_from(rows)).scalar_one())
    exact = found <= bound
    total = min(found, bound)
    pages = max(1, -(-total // page_size)) + (0 if exact else 1)
    return Counted(total, exact, pages, min(page, pages))
