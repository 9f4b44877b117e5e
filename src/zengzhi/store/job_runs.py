"""The record of each due job's runs, one row a (tenant, job, day): how many it did and
which failed, added to by every tick of that day (service/jobs.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from zengzhi.store import tables as t
from zengzhi.store.database import insert_if_absent
from zengzhi.store.tenanted import of_tenant


def add_to_day(
    connection: Connection,
    tenant: str,
    job: str,
    day: str,
    now: datetime,
    done: int,
    failed: list[str],
) -> None:
    """Add to the day's record of a job, under its row lock."""
    insert_if_absent(
        connection,
        t.job_runs,
        tenant_id=tenant,
        job=job,
        day=day,
        started_at=now,
        finished_at=now,
        result={"done": 0, "failed": []},
    )
    c = t.job_runs.c
    where = of_tenant(c, tenant) & (c.job == job) & (c.day == day)
    row = connection.execute(select(c.result).where(where).with_for_update()).one()
    result: dict[str, Any] = dict(row.result)
    result["done"] = int(result.get("done", 0)) + done
    result["failed"] = sorted(set(result.get("failed", [])) | set(failed))
    connection.execute(update(t.job_runs).where(where).values(result=result, finished_at=now))
