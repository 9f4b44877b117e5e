"""The console's audit log: filtered by who, what was done, the object and the days
(the tenant's), newest first; each entry with its change as a diff (each field that
differs, before → after, nested fields named by their path) instead of two JSON
documents side by side."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, select

from zengzhi.engine.fields import AS_WHOLE
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
from zengzhi.service.queries.paging import PAGE_SIZE, within_days
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant

LONGEST = 200  # a value shown longer than this is cut, with "…"


class AuditSearch(BaseModel):
    actor: str | None = Field(default=None, max_length=200)
    action: str | None = Field(default=None, max_length=100)
    target: str | None = Field(default=None, max_length=300)  # the object, or its start
    since: date | None = None
    until: date | None = None
    before: Annotated[int, Field(ge=1, le=2**62), AS_WHOLE] | None = (
        None  # the page: entries older than this id (bounded as the API's `before`)
    )


class Change(BaseModel):
    field: str  # "status", "params.sell_fee", "modes.union.funding"
    before: str | None  # None: the field was not there
    after: str | None  # None: the field is gone


class AuditRow(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    reason: str | None
    changes: list[Change]


class AuditPage(BaseModel):
    rows: list[AuditRow]
    older: int | None  # the next page's `before`
    actions: list[str]  # every action in the tenant's log, for the filter's list


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    # an empty table has no fields: kept as one, it was shown as a raw "{}" set to
    # "(deleted)" when its first entry was added (member_page.pool_names)
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat |= _flat(inner, f"{prefix}{key}.")
        return flat
    return {prefix[:-1] if prefix else "value": value}


def _shown(value: Any) -> str:
    if value is None:  # a field kept empty (JSON null): shown as any empty figure is
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def diff(before: Any, after: Any) -> list[Change]:
    """Each field that differs between two JSON documents, by its dotted path, in the
    order the fields come (before's, then those only after has)."""
    old = _flat(before) if before is not None else {}
    new = _flat(after) if after is not None else {}
    changes = []
    for field in [*old, *(key for key in new if key not in old)]:
        if old.get(field, ...) == new.get(field, ...):
            continue
        changes.append(
            Change(
                field=field,
                before=_shown(old[field]) if field in old else None,
                after=_shown(new[field]) if field in new else None,
            )
        )
    return changes


def find_audit(context: Context, principal: Principal, search: AuditSearch) -> AuditPage:
    principal.require(Permission.READ)
    tenant = principal.tenant

    def run(connection: Connection) -> AuditPage:
        c = t.audit_log.c
        statement = select(t.audit_log).where(of_tenant(c, tenant))
        if search.actor:
            statement = statement.where(c.actor == search.actor)
        if search.action:
            statement = statement.where(c.action == search.action)
        if search.target:
            escaped = search.target.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            statement = statement.where(c.target.like(escaped + "%", escape="\\"))
        statement = statement.where(
            *within_days(connection, tenant, c.at, search.since, search.until)
        )
        if search.before is not None:
            statement = statement.where(c.audit_id < search.before)
        rows = list(connection.execute(statement.order_by(c.audit_id.desc()).limit(PAGE_SIZE)))
        actions = connection.execute(
            select(c.action).distinct().where(of_tenant(c, tenant)).order_by(c.action)
        ).scalars()
        return AuditPage(
            rows=[
                AuditRow(
                    id=r.audit_id,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    target=r.target,
                    reason=r.reason,
                    changes=diff(r.before, r.after),
                )
                for r in rows
            ],
            older=rows[-1].audit_id if len(rows) == PAGE_SIZE else None,
            actions=list(actions),
        )

    return query(context, run)
