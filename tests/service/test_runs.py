"""Background runs as rows (service/background.py, store/runs.py): run where they were
started (`run_jobs`) or queued for any worker; claimed once; heartbeated; interrupted
when their worker stops beating, after which that worker changes nothing; their files
and exit code kept; one per kind per tenant at a time; a time limit; the last `keep`
kept. On SQLite and PostgreSQL; the claim that skips a locked run on PostgreSQL alone
(SQLite has one writer at a time)."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.service.conftest import SECRET, Clock, new_tenant
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.lifecycles import RunStatus
from zengzhi.service import background
from zengzhi.service.background import (
    PYTHON,
    Jobs,
    Run,
    RunWorker,
    claim_and_start,
    this_worker,
)
from zengzhi.service.base import Context, utc_now
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade
from zengzhi.store.runs import Runs

ECHO = Jobs("test run", "test", "test", timeout_seconds=60, keep=2)
# PYTHON: the Python of the worker that runs it
SAYS = [PYTHON, "-c", "import sys; print('hi'); sys.stderr.write('said hi')"]


def queued_only(context: Context) -> Context:
    """A server that runs no jobs: what it starts waits for a worker."""
    settings = context.settings.model_copy(update={"run_jobs": False})
    return replace(context, settings=settings)


def ended(context: Context, tenant: str, run_id: str, seconds: float = 60) -> Run:
    deadline = time.monotonic() + seconds
    while True:
        run = ECHO.get(context, tenant, run_id)
        if not run.active or time.monotonic() > deadline:
            return run
        time.sleep(0.1)


def test_a_run_started_here_runs_at_once_and_keeps_its_files(context: Context) -> None:
    tenant = new_tenant(context)
    run_id = ECHO.start(context, tenant, SAYS, {"in.txt": b"input"}, {"about": 1}, stdout="out")
    # claimed by this process as it was written (it may have ended already)
    assert ECHO.get(context, tenant, run_id).status in ("running", "done")
    run = ended(context, tenant, run_id)
    assert (run.status, run.error, run.meta) == ("done", None, {"about": 1})
    assert run.files == ["in.txt", "out"]  # its input and its output, not the log
    assert ECHO.read(context, tenant, run_id, "out") == b"hi\n"
    assert ECHO.read(context, tenant, run_id, "in.txt") == b"input"
    with context.database.read() as connection:
        record = Runs(connection, tenant).get(run_id)
    assert record is not None and record.claimed_by == this_worker() and record.exit_code == 0
    # its scratch folder is gone: the database holds the run
    assert not (context.settings.simulations_path() / tenant / run_id).exists()


def test_a_failed_run_says_why_and_a_run_past_its_time_is_stopped(context: Context) -> None:
    tenant = new_tenant(context)
    failing = [sys.executable, "-c", "import sys; sys.stderr.write('no such thing'); sys.exit(3)"]
    run = ended(context, tenant, ECHO.start(context, tenant, failing, {}, {}))
    assert run.status == "failed" and run.error is not None and "no such thing" in run.error
    slow = replace(ECHO, timeout_seconds=1)
    sleeping = [sys.executable, "-c", "import time; time.sleep(60)"]
    began = time.monotonic()
    run = ended(context, tenant, slow.start(context, tenant, sleeping, {}, {}))
    assert time.monotonic() - began < 30
    assert run.status == "failed" and run.error is not None
    assert "stopped after 1 seconds" in run.error


def test_one_run_of_a_kind_at_a_time_and_the_last_keep_kept(context: Context, clock: Clock) -> None:
    tenant, other = new_tenant(context), new_tenant(context)
    server = queued_only(context)
    first = ECHO.start(server, tenant, SAYS, {}, {})
    assert ECHO.get(server, tenant, first).status == "queued"
    with pytest.raises(DomainError) as busy:  # queued holds the place as running does
        ECHO.start(server, tenant, SAYS, {}, {})
    assert busy.value.code == ErrorCode.CONFLICT and busy.value.field == "test"
    ECHO.start(server, other, SAYS, {}, {})  # another tenant's
    replace(ECHO, kind="other").start(server, tenant, SAYS, {}, {})  # another kind
    with pytest.raises(DomainError) as elsewhere:
        ECHO.get(server, other, first)
    assert elsewhere.value.code == ErrorCode.NOT_FOUND
    for thread in claim_and_start(context, "worker-1", 10):
        thread.join(60)
    assert ended(context, tenant, first).status == "done"
    started = [first]
    for _ in range(3):
        clock.advance(seconds=1)
        started.append(ECHO.start(context, tenant, SAYS, {}, {}))
        ended(context, tenant, started[-1])
    # each start forgets the ended runs past the newest `keep`, the new one counted
    assert [run.id for run in ECHO.runs(context, tenant)] == started[::-1][: ECHO.keep]


def test_a_queued_run_is_claimed_once(context: Context) -> None:
    tenant = new_tenant(context)
    run_id = ECHO.start(queued_only(context), tenant, SAYS, {}, {})
    with context.database.write() as connection:
        claimed = Runs(connection, tenant).claim("worker-1", utc_now())
        again = Runs(connection, tenant).claim("worker-2", utc_now())
    assert claimed is not None and claimed.run_id == run_id and again is None
    assert claimed.status == RunStatus.RUNNING and claimed.claimed_by == "worker-1"


def test_a_run_whose_worker_stopped_beating_is_interrupted_and_stays_so(
    context: Context,
) -> None:
    tenant = new_tenant(context)
    run_id = ECHO.start(queued_only(context), tenant, SAYS, {}, {})
    stale = context.settings.run_stale_seconds
    long_ago = utc_now() - timedelta(seconds=stale + 5)
    with context.database.write() as connection:
        assert Runs(connection, tenant).claim("gone", long_ago) is not None
    # read as interrupted at once, by any server, before anyone marks it
    assert ECHO.get(context, tenant, run_id).status == "interrupted"
    claim_and_start(context, "worker-2", 0)  # the next worker to look marks it
    with context.database.write() as connection:
        runs = Runs(connection, tenant)
        record = runs.get(run_id)
        assert record is not None and record.status == RunStatus.INTERRUPTED
        # the worker that comes back changes nothing: no beat, no end
        assert not runs.beat(run_id, "gone", utc_now(), (1, 2, "days"))
        assert not runs.end(run_id, "gone", utc_now(), 0, None)
        record = runs.get(run_id)
    assert record is not None and record.status == RunStatus.INTERRUPTED
    assert record.exit_code is None and record.progress_done is None
    ECHO.start(context, tenant, SAYS, {}, {})  # its place is free


def test_two_workers_at_once_never_claim_one_run(postgres_url: str) -> None:
    """PostgreSQL: the claim skips a run another worker's transaction holds, without
    waiting for it, and finds the next one."""
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    try:
        tenant = new_tenant(context)
        server = queued_only(context)
        first = ECHO.start(server, tenant, SAYS, {}, {})
        second = replace(ECHO, kind="other").start(server, tenant, SAYS, {}, {})
        with database.write() as one, database.write() as two:
            taken = Runs(one, tenant).claim("worker-1", utc_now())
            began = time.monotonic()
            other = Runs(two, tenant).claim("worker-2", utc_now())
            assert time.monotonic() - began < 5  # skipped, not waited for
        assert taken is not None and other is not None
        assert {taken.run_id, other.run_id} == {first, second}
        assert (taken.claimed_by, other.claimed_by) == ("worker-1", "worker-2")
    finally:
        database.dispose()


def test_a_stopping_worker_gives_its_runs_up_at_once(context: Context) -> None:
    tenant = new_tenant(context)
    sleeping = [sys.executable, "-c", "import time; time.sleep(60)"]
    run_id = ECHO.start(context, tenant, sleeping, {}, {})
    worker = RunWorker(context)
    worker.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (tenant, run_id) not in background._commands:
        time.sleep(0.05)
    command = background._commands[tenant, run_id]
    worker.stop()  # as SIGTERM does to `zengzhi worker`, or a server's shutdown
    worker.join(30)
    assert command.wait(timeout=30) != 0  # killed
    assert ECHO.get(context, tenant, run_id).status == "interrupted"
    with context.database.read() as connection:
        record = Runs(connection, tenant).get(run_id)
    assert record is not None and record.status == RunStatus.INTERRUPTED
    assert record.exit_code is None  # its thread, seeing the command end, recorded nothing


def test_a_running_run_says_how_far_it_is_from_the_worker_s_beats(context: Context) -> None:
    tenant = new_tenant(context)
    writes = (
        "import time; from zengzhi.service.background import ProgressFile; "
        "ProgressFile(10, 'days', every_ns=0).update(4); time.sleep(60)"
    )
    run_id = ECHO.start(context, tenant, [PYTHON, "-c", writes], {}, {})
    deadline = time.monotonic() + 60  # a loaded machine imports slowly
    run = ECHO.get(context, tenant, run_id)
    while run.progress is None and time.monotonic() < deadline:
        time.sleep(0.2)
        run = ECHO.get(context, tenant, run_id)
    assert run.status == "running" and run.progress is not None, run.error
    assert (run.progress.done, run.progress.total, run.progress.unit) == (4, 10, "days")
    assert background.abandon(context) == [run_id]
    assert ended(context, tenant, run_id).progress is None  # once it ended: none
