"""Requests applied once: the first answer to each request id, kept with its digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from zengzhi.store import tables as t
from zengzhi.store.tenanted import Keyed


@dataclass(frozen=True, slots=True)
class CommandRow:
    command_id: str
    kind: str
    request_hash: str  # of the request's canonical body: another body is a conflict
    response: dict[str, Any]  # the first answer, given again to a repeat


class Commands(Keyed[CommandRow]):
    table = t.commands

    def record(self, row: Row[Any]) -> CommandRow:
        return CommandRow(row.command_id, row.kind, row.request_hash, dict(row.response))

    def add(self, command: CommandRow, at: datetime) -> None:
        self.connection.execute(
            self.insert(
                command_id=command.command_id,
                kind=command.kind,
                request_hash=command.request_hash,
                response=command.response,
                at=at,
            )
        )
