"""The service's members table: one tenant's members as typed records (the engine's own
view of who exists is `records.SqlMembers`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_

from zengzhi.store import tables as t
from zengzhi.store.tenanted import Keyed, Tenanted, record_of


@dataclass(frozen=True, slots=True)
class MemberRow:
    member_id: str
    phone: str | None
    name: str | None
    referrer: str | None
    region: str | None
    real_name_verified: bool
    created_at: datetime
    team_performance: int  # the whole downline's completed orders, fen
    team_level: int  # the star level it earns (spec 02)


def _member(row: Row[Any]) -> MemberRow:
    return record_of(MemberRow, row)


class Members(Keyed[MemberRow]):
    table = t.members

    def record(self, row: Row[Any]) -> MemberRow:
        return _member(row)

    def steady(self, key: str) -> MemberRow | None:
        """The member, its row held against a change of the member until the transaction
        ends: FOR KEY SHARE, which a change (`service/members.change_member`, FOR UPDATE)
        waits for and which waits for it, while the writes of the member's figures an
        order or a sale makes at its commit (FOR NO KEY UPDATE) neither wait nor are
        waited for. Held FOR UPDATE, a withdrawal and a reversal of the member's order
        deadlocked: each held what the other's commit wrote."""
        statement = self.select().where(self.key == key)
        row = self.connection.execute(statement.with_for_update(read=True, key_share=True)).first()
        return None if row is None else self.record(row)

    def with_phone(self, phone: str, other_than: str) -> str | None:
        """Another member registered with this phone number, if any."""
        c = t.members.c
        statement = self.select(c.member_id).where(c.phone == phone, c.member_id != other_than)
        return self.connection.execute(statement).scalars().first()

    def page(self, text: str | None, limit: int, after: str | None) -> list[MemberRow]:
        """Members by id order; `text` matches the start of an id or a phone number."""
        c = t.members.c
        statement = self.select()
        if text:
            pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            statement = statement.where(
                or_(c.member_id.like(pattern, escape="\\"), c.phone.like(pattern, escape="\\"))
            )
        return self.records(statement, limit, after)


@dataclass(frozen=True, slots=True)
class StoreOwner:
    store_id: str
    owner: str | None  # None: the store has no owner to bind members to
    recruiter: str | None = None  # the members its code binds are this one's 间推 (spec 02)


class Stores(Tenanted):
    table = t.stores

    def owner(self, store: str) -> StoreOwner | None:
        c = t.stores.c
        row = self.first(self.select(c.owner, c.recruiter).where(c.store_id == store))
        return None if row is None else StoreOwner(store, row.owner, row.recruiter)
