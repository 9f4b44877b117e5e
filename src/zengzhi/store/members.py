"""The service's members table: one tenant's members as typed records (the engine's own
view of who exists is `records.SqlMembers`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_

from zengzhi.store import tables as t
from zengzhi.store.tenanted import Tenanted


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
    return MemberRow(
        member_id=row.member_id,
        phone=row.phone,
        name=row.name,
        referrer=row.referrer,
        region=row.region,
        real_name_verified=bool(row.real_name_verified),
        created_at=row.created_at,
        team_performance=int(row.team_performance),
        team_level=int(row.team_level),
    )


class Members(Tenanted):
    table = t.members

    def get(self, member: str, lock: bool = False) -> MemberRow | None:
        """The member (`lock`: and hold its row until the command ends, so that the
        member's orders at once are counted one after the other)."""
        row = self.first(self.select().where(t.members.c.member_id == member), lock)
        return None if row is None else _member(row)

    def exists(self, member: str) -> bool:
        c = t.members.c
        found = self.select(c.member_id).where(c.member_id == member)
        return self.first(found) is not None

    def with_phone(self, phone: str, other_than: str) -> str | None:
        """Another member registered with this phone number, if any."""
        c = t.members.c
        statement = self.select(c.member_id).where(c.phone == phone, c.member_id != other_than)
        return self.connection.execute(statement).scalars().first()

    def change(self, member: str, **values: Any) -> None:
        statement = self.update().where(t.members.c.member_id == member)
        self.connection.execute(statement.values(**values))

    def page(self, text: str | None, limit: int, after: str | None) -> list[MemberRow]:
        """Members by id order; `text` matches the start of an id or a phone number."""
        c = t.members.c
        statement = self.select()
        if text:
            pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            statement = statement.where(
                or_(c.member_id.like(pattern, escape="\\"), c.phone.like(pattern, escape="\\"))
            )
        return [_member(row) for row in self.after(statement, c.member_id, limit, after)]


@dataclass(frozen=True, slots=True)
class StoreOwner:
    store_id: str
    owner: str | None  # None: the store has no owner to bind members to


class Stores(Tenanted):
    table = t.stores

    def owner(self, store: str) -> StoreOwner | None:
        c = t.stores.c
        row = self.first(self.select(c.owner).where(c.store_id == store))
        return None if row is None else StoreOwner(store, row.owner)
