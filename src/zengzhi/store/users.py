"""Who may act for a tenant, in SQL: its console users and its API keys, as records
(service/users.py changes them, service/sessions.py checks them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func

from zengzhi.store import security
from zengzhi.store import tables as t
from zengzhi.store.tenanted import Keyed, record_of


@dataclass(frozen=True, slots=True)
class UserRow:
    username: str
    password_hash: str
    role: str
    disabled: bool
    created_at: datetime


class Users(Keyed[UserRow]):
    table = t.users
    key_name = "username"

    def record(self, row: Row[Any]) -> UserRow:
        return record_of(UserRow, row)

    def add(self, username: str, password_hash: str, role: str, at: datetime) -> None:
        self.connection.execute(
            self.insert(
                username=username,
                password_hash=password_hash,
                role=role,
                disabled=False,
                created_at=at,
            )
        )

    def named(self, username: str) -> UserRow | None:
        """The user of that name in any case (one name in any case: migration 0033)."""
        statement = self.select().where(func.lower(self.key) == username.lower())
        row = self.connection.execute(statement).first()
        return None if row is None else self.record(row)

    def all(self) -> list[UserRow]:
        """Every user, by name."""
        statement = self.select().order_by(self.key)
        return [self.record(row) for row in self.connection.execute(statement)]

    def held(self, username: str) -> UserRow | None:
        """The user, read `FOR SHARE`: a change of it (disabled, demoted) waits until this
        transaction ends, as it waits for the request's proof (`proven_role`, which
        holds the same lock), and commands of one user at once hold it side by side. A
        `FOR UPDATE` here, after the proof's share, was the deadlock of two of them."""
        row = self.connection.execute(
            self.select().where(self.key == username).with_for_update(read=True)
        ).first()
        return None if row is None else self.record(row)

    def owners(self) -> list[str]:
        """The enabled owners' names, in order."""
        c = self.table.c
        statement = (
            self.select(self.key).where(c.role == "owner", c.disabled.is_(False)).order_by(self.key)
        )
        return list(self.connection.execute(statement).scalars())


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    key_id: str
    secret_hash: str  # sha256 of the secret
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None
    created_by: str | None  # the actor who made it, as the audit log names them


class ApiKeys(Keyed[ApiKeyRow]):
    table = t.api_keys
    key_name = "key_id"

    def record(self, row: Row[Any]) -> ApiKeyRow:
        return record_of(ApiKeyRow, row)

    def add(self, key: ApiKeyRow) -> None:
        values = {name: getattr(key, name) for name in ApiKeyRow.__slots__}
        self.connection.execute(self.insert(**values))

    def all(self) -> list[ApiKeyRow]:
        """Every key, the oldest first."""
        statement = self.select().order_by(self.table.c.created_at)
        return [self.record(row) for row in self.connection.execute(statement)]

    def revoke_made_by(self, actor: str, at: datetime) -> list[str]:
        """Revoke the keys `actor` made that still work; their ids, in order. Their gates
        are closed first (a command on its way with one of them is waited for)."""
        c = self.table.c
        working = self.select(self.key).where(c.created_by == actor, c.revoked_at.is_(None))
        gates = [(security.KEY, key) for key in self.connection.execute(working).scalars()]
        security.close_gates(self.connection, self.tenant, gates)
        statement = (
            self.update()
            .where(c.created_by == actor, c.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(c.key_id)
        )
        return sorted(self.connection.execute(statement).scalars())
