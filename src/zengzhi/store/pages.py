"""Lists read a page at a time, newest first: the next page starts below the number of
the last row shown (`before`), so rows written meanwhile never shift a page."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select

S = TypeVar("S", bound=Select[Any])


def newest_first(statement: S, number: ColumnElement[int], before: int | None, limit: int) -> S:
    """`statement`'s rows numbered below `before` (all, if None), highest first, at most
    `limit` of them."""
    if before is not None:
        statement = statement.where(number < before)
    return statement.order_by(number.desc()).limit(limit)
