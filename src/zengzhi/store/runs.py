"""Background runs and their files (service/background.py): the rows any worker claims,
heartbeats and ends, and the bytes any server serves.

A worker claims a queued run with `FOR UPDATE SKIP LOCKED` on PostgreSQL (two workers
never take the same row, and neither waits for the other); SQLite has one writer at a
time, so the same statement without SKIP LOCKED claims as safely there. Each step sets
the status only from where `core/lifecycles.py` RUN lets it go, and a running run's
steps only for the worker that claimed it: a worker that comes back after its run was
declared interrupted changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from zengzhi.core.lifecycles import ACTIVE_RUNS, RUN, RunStatus
from zengzhi.store import tables as t
from zengzhi.store.tenanted import Keyed, Tenanted, of_tenant, record_of
from zengzhi.store.tenants import tenants_having


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    kind: str
    status: RunStatus
    arguments: list[str]
    meta: dict[str, Any]
    stdout: str | None
    database: bool
    timeout_seconds: int
    created_at: datetime
    claimed_by: str | None
    claimed_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    progress_done: int | None
    progress_total: int | None
    progress_unit: str | None
    exit_code: int | None
    error: str | None
    started_by: str | None  # key:<id>, user:<name>; None: the command line, the system


def _from(step: str) -> frozenset[RunStatus]:
    return RUN.steps[step].sources


class Runs(Keyed[RunRecord]):
    table = t.runs

    def record(self, row: Any) -> RunRecord:
        return record_of(
            RunRecord,
            row,
            status=RunStatus(row.status),
            arguments=list(row.arguments),
            meta=dict(row.meta),
        )

    def lock_tenant(self) -> None:
        """Hold the tenant row until the transaction ends: two servers starting a run of
        one kind for one tenant at once take turns, so one of them sees the other's."""
        tenants = t.tenants
        self.connection.execute(
            select(tenants.c.tenant_id).where(of_tenant(tenants, self.tenant)).with_for_update()
        )

    def active(self, kind: str) -> bool:
        """Whether a run of `kind` is queued or running."""
        c = self.table.c
        found = self.select(c.run_id).where(c.kind == kind, c.status.in_(ACTIVE_RUNS))
        return self.first(found) is not None

    def add(
        self,
        run_id: str,
        kind: str,
        arguments: list[str],
        meta: dict[str, Any],
        stdout: str | None,
        database: bool,
        timeout_seconds: int,
        now: datetime,
        claimed: tuple[str, datetime] | None,
        started_by: str | None = None,
    ) -> None:
        """A new run: queued, or (`claimed`: by a worker, at a time) running there;
        `started_by`: who asked for it (checked again when a worker claims it)."""
        running = claimed is not None
        claimed_by, claimed_at = claimed if claimed is not None else (None, None)
        self.connection.execute(
            self.insert(
                run_id=run_id,
                kind=kind,
                status=RunStatus.RUNNING if running else RunStatus.QUEUED,
                arguments=arguments,
                meta=meta,
                stdout=stdout,
                database=database,
                timeout_seconds=timeout_seconds,
                created_at=now,
                claimed_by=claimed_by,
                claimed_at=claimed_at,
                heartbeat_at=claimed_at,
                started_by=started_by,
            )
        )

    def claim(self, worker: str, now: datetime) -> RunRecord | None:
        """Take the tenant's oldest queued run for `worker`, if there is one."""
        c = self.table.c
        oldest = self.select().where(c.status.in_(_from("claim"))).order_by(c.run_id).limit(1)
        if self.connection.dialect.name == "postgresql":
            oldest = oldest.with_for_update(skip_locked=True)
        row = self.connection.execute(oldest).first()
        if row is None:
            return None
        self.change(
            row.run_id,
            status=RunStatus.RUNNING,
            claimed_by=worker,
            claimed_at=now,
            heartbeat_at=now,
        )
        return self.get(row.run_id)

    def _mine(self, run_id: str, worker: str, step: str) -> Any:
        c = self.table.c
        return self.update().where(
            self.key == run_id, c.claimed_by == worker, c.status.in_(_from(step))
        )

    def beat(
        self, run_id: str, worker: str, now: datetime, progress: tuple[int, int, str] | None
    ) -> bool:
        """The worker is still at it (and how far the run is); False when the run is no
        longer its own (declared interrupted meanwhile)."""
        values: dict[str, Any] = {"heartbeat_at": now}
        if progress is not None:
            values |= dict(
                zip(("progress_done", "progress_total", "progress_unit"), progress, strict=True)
            )
        changed = self.connection.execute(self._mine(run_id, worker, "finish").values(**values))
        return changed.rowcount == 1

    def end(
        self, run_id: str, worker: str, now: datetime, exit_code: int, error: str | None
    ) -> bool:
        """Done (exit code 0) or failed; False when the run is no longer the worker's."""
        step = "finish" if exit_code == 0 else "fail"
        status = RUN.steps[step].target
        changed = self.connection.execute(
            self._mine(run_id, worker, step).values(
                status=status, exit_code=exit_code, error=error, finished_at=now
            )
        )
        return changed.rowcount == 1

    def refuse(self, run_id: str, worker: str, now: datetime, error: str) -> bool:
        """Cancelled without being started (claimed, found no longer allowed to run),
        `error` saying why; False when the run is not the worker's."""
        changed = self.connection.execute(
            self._mine(run_id, worker, "cancel").values(
                status=RUN.steps["cancel"].target, error=error, finished_at=now
            )
        )
        return changed.rowcount == 1

    def interrupt(self, run_id: str, worker: str, now: datetime) -> bool:
        """The worker gives up its run (it is stopping); False when it was not its own."""
        changed = self.connection.execute(
            self._mine(run_id, worker, "interrupt").values(
                status=RUN.steps["interrupt"].target, finished_at=now
            )
        )
        return changed.rowcount == 1

    def interrupt_stale(self, before: datetime, now: datetime) -> list[str]:
        """Declare interrupted the running runs whose worker last beat before `before`."""
        c = self.table.c
        stale = self.select(c.run_id).where(
            c.status.in_(_from("interrupt")), c.heartbeat_at < before
        )
        found = list(self.connection.execute(stale).scalars())
        if found:
            self.connection.execute(
                self.update()
                .where(self.key.in_(found), c.status.in_(_from("interrupt")))
                .values(status=RUN.steps["interrupt"].target, finished_at=now)
            )
        return found

    def of_kind(self, kind: str) -> list[RunRecord]:
        """The runs of `kind`, newest first."""
        c = self.table.c
        statement = self.select().where(c.kind == kind).order_by(c.run_id.desc())
        return [self.record(row) for row in self.connection.execute(statement)]

    def prune(self, kind: str, keep: int) -> list[str]:
        """Forget the ended runs of `kind` (and their files) but the newest `keep` runs."""
        c = self.table.c
        newest = self.select(c.run_id, c.status).where(c.kind == kind).order_by(c.run_id.desc())
        rows = self.connection.execute(newest).all()
        old = [row.run_id for row in rows[keep:] if RunStatus(row.status) not in ACTIVE_RUNS]
        if old:
            RunFiles(self.connection, self.tenant).drop(old)
            self.connection.execute(delete(self.table).where(self.mine, self.key.in_(old)))
        return old


class RunFiles(Tenanted):
    table = t.run_files

    def put(self, run_id: str, files: Iterable[tuple[str, bytes]]) -> None:
        for name, content in files:
            self.connection.execute(self.insert(run_id=run_id, name=name, content=content))

    def names(self, run_id: str) -> list[str]:
        c = self.table.c
        statement = self.select(c.name).where(c.run_id == run_id).order_by(c.name)
        return list(self.connection.execute(statement).scalars())

    def read(self, run_id: str, name: str) -> bytes | None:
        c = self.table.c
        row = self.first(self.select(c.content).where(c.run_id == run_id, c.name == name))
        return None if row is None else bytes(row.content)

    def all(self, run_id: str) -> dict[str, bytes]:
        c = self.table.c
        statement = self.select(c.name, c.content).where(c.run_id == run_id)
        return {row.name: bytes(row.content) for row in self.connection.execute(statement)}

    def drop(self, run_ids: list[str]) -> None:
        c = self.table.c
        self.connection.execute(delete(self.table).where(self.mine, c.run_id.in_(run_ids)))


def tenants_with_runs(connection: Connection, statuses: frozenset[RunStatus]) -> list[str]:
    """The tenants with a run in `statuses` (each tenant probed on its own rows)."""
    c = t.runs.c
    return tenants_having(
        connection,
        lambda tenant: select(c.run_id).where(of_tenant(c, tenant), c.status.in_(statuses)),
    )
