"""The tenant's event log, looked up by event id (the log is written by the unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import Table, func

from zengzhi.engine.wire import parse_line
from zengzhi.store import tables as t
from zengzhi.store.tenanted import Tenanted


class EventLog(Tenanted):
    table: ClassVar[Table] = t.events

    def lines(self) -> list[str]:
        """The log's lines, in the order they were applied."""
        statement = self.select(t.events.c.body).order_by(t.events.c.seq)
        return list(self.connection.execute(statement).scalars())

    def count_like(self, prefix: str) -> int:
        """How many events have an id that starts with `prefix`."""
        e = t.events.c
        statement = self.select(func.count()).where(e.event_id.like(f"{prefix}%"))
        return int(self.connection.execute(statement).scalar_one())

    def empty(self) -> bool:
        """No event yet."""
        return self.first(self.select(t.events.c.seq).limit(1)) is None

    def has(self, event_id: str) -> bool:
        found = self.first(self.select(t.events.c.seq).where(t.events.c.event_id == event_id))
        return found is not None

    def at(self, event_id: str) -> datetime | None:
        """When the event says it happened (None: not in the log, or no time)."""
        found = self.first(self.select(t.events.c.body).where(t.events.c.event_id == event_id))
        return None if found is None else parse_line(found.body).at
