"""Long work started from the console or the API that runs in a process of its own: a
simulation, a dry run of a configuration change. The request that starts it answers at
once; the run's page reads how it is going and, once it ended, what it left.

A run is a row of `runs` (store/runs.py) with its input and output files as bytes in
`run_files`, so that any API server answers for any run. Where it runs:

- a server that runs jobs itself (`ZENGZHI_RUN_JOBS`, on by default: `zengzhi serve` on
  a fresh machine; or said with `ZENGZHI_RUNS_IN_PROCESS`) starts it at once, as its
  own: the row is written `running`, claimed by this process;
- otherwise the row is `queued`, and a `zengzhi worker` (any of them; `RunWorker`)
  claims it (`FOR UPDATE SKIP LOCKED` on PostgreSQL).

The worker runs the command in a scratch folder (under `ZENGZHI_SIMULATIONS_DIR`), beats
every `run_heartbeat_seconds` with how far the run is (the command writes
`progress.json` where `PROGRESS_ENV` says, at most once a second), stops it after the
kind's time limit, then keeps its files and its exit code in the database and removes
the folder. A running run whose worker stopped beating for `run_stale_seconds` (killed,
its machine gone) reads as interrupted, and the next worker to look marks it so; it is
not started again by itself (docs/service.md says why). Each kind runs one at a time
per tenant and keeps its last `keep` runs.

A run keeps who started it (`started_by`: `key:<id>`, `user:<name>`). A queued run is
started only if its starter may still start it: a worker that claims one whose API key
was revoked meanwhile, or whose user was disabled or may no longer configure, marks it
cancelled, not started, saying why (`refusal`; kept as the run's `error`). A running run
is not stopped when its starter loses the right: it only reads, and writes nothing but its
own files.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.lifecycles import ACTIVE_RUNS, RunStatus
from zengzhi.service.auth import GRANTS, Permission, Role
from zengzhi.service.base import Context, query, utc_now, write
from zengzhi.store.runs import RunFiles, RunRecord, Runs, tenants_with_runs
from zengzhi.store.users import ApiKeys, Users

log = logging.getLogger("zengzhi.runs")

RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$")
ERROR_TAIL = 2000  # characters of the log shown for a failed run
PROGRESS_ENV = "ZENGZHI_PROGRESS_FILE"  # where a run's command writes how far it is
PROGRESS_FILE = "progress.json"
LOG_FILE = "log.txt"
PYTHON, OUT = "{python}", "{out}"  # in a run's command: the worker's Python, its folder
PARENT_ENV = "ZENGZHI_RUN_PARENT"  # the worker's pid: the command exits when it is gone
# the worker's own files in a run's folder, not the run's
_BOOKKEEPING = {LOG_FILE, PROGRESS_FILE}
MAX_FILE_BYTES = 64 * 1024 * 1024  # a file past this is not kept (a runaway table)

_TOKEN = secrets.token_hex(3)  # tells a pid reused after a restart from the one before


def this_worker() -> str:
    """This process as the worker that claims runs: host:pid:token (the pid read now, so
    that processes forked from one another differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}"


# the commands this process runs, by (tenant, run), for `abandon`
_commands: dict[tuple[str, str], subprocess.Popen[bytes]] = {}
_commands_lock = threading.Lock()


def command(*arguments: str) -> list[str]:
    """`zengzhi <arguments>` with the Python of the worker that runs it (and so its
    code, wherever it is installed: PYTHON stands for it); the command exits when that
    worker is gone (`exit_with_parent`)."""
    start = (
        "from zengzhi.service.background import exit_with_parent; exit_with_parent(); "
        "from zengzhi.cli import app; app()"
    )
    return [PYTHON, "-c", start, *arguments]


def exit_with_parent() -> None:
    """In a run's command: exit once the worker that started it is gone (killed with
    SIGKILL, it cannot stop its children), so that an interrupted run stops working."""
    parent = os.environ.pop(PARENT_ENV, None)  # not for the processes it starts
    if not parent:
        return

    def watch() -> None:
        while os.getppid() == int(parent):
            time.sleep(1)
        os._exit(70)

    threading.Thread(target=watch, name="zengzhi-parent", daemon=True).start()


class Progress(BaseModel):
    done: int
    total: int
    unit: str  # days, runs, events
    seconds_left: int | None  # from the pace so far; None before the first step

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0


class ProgressFile:
    """What the running command writes: `update(done)` as it goes, to the file that
    PROGRESS_ENV names (nothing when it names none: a run from a terminal)."""

    def __init__(self, total: int, unit: str, every_ns: int = 1_000_000_000) -> None:
        name = os.environ.get(PROGRESS_ENV)
        self._path = Path(name) if name else None
        self._total, self._unit, self._every = total, unit, every_ns
        self._written: int | None = None

    def update(self, done: int) -> None:
        now = time.monotonic_ns()
        if self._path is None:
            return
        recent = self._written is not None and now - self._written < self._every
        if recent and done < self._total:
            return
        self._written = now
        partial = self._path.with_suffix(".tmp")  # a reader never sees half a file
        partial.write_text(json.dumps({"done": done, "total": self._total, "unit": self._unit}))
        os.replace(partial, self._path)


def progress_of(done: int, total: int, unit: str, started_at: datetime, now: datetime) -> Progress:
    """How far a run is, and the time left at the pace so far."""
    elapsed = int((now - started_at) / timedelta(seconds=1))
    left = elapsed * (total - done) // done if 0 < done <= total else None
    return Progress(done=done, total=total, unit=unit, seconds_left=left)


def _progress_file(folder: Path) -> tuple[int, int, str] | None:
    try:
        data = json.loads((folder / PROGRESS_FILE).read_text())
        return int(data["done"]), int(data["total"]), str(data["unit"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_progress(folder: Path, started_at: datetime, now: datetime) -> Progress | None:
    """How far a run is, from its progress file; None when it wrote none (yet)."""
    found = _progress_file(folder)
    return None if found is None else progress_of(*found, started_at, now)


@dataclass(frozen=True)
class Run:
    id: str
    meta: dict[str, Any]  # what the starter kept with it
    started_at: datetime
    status: str  # queued, running, done, failed, interrupted, cancelled
    # the end of its error output, when it failed; why it was not started, when cancelled
    error: str | None
    progress: Progress | None  # how far it is, while it runs
    files: list[str]  # its files' names (its input, and once it ended its output)

    @property
    def active(self) -> bool:
        """Queued or running: its page waits for it."""
        return self.status in ACTIVE_RUNS


def _stale_before(context: Context) -> datetime:
    return utc_now() - timedelta(seconds=context.settings.run_stale_seconds)


@dataclass(frozen=True)
class Jobs:
    """One kind of run (simulations, dry runs): its name and its limits."""

    name: str  # in messages: "a simulation is running already", "unknown simulation"
    field: str  # the field a refusal to start names (the form's)
    kind: str  # as kept in `runs.kind`
    timeout_seconds: int
    keep: int

    def start(
        self,
        context: Context,
        tenant: str,
        arguments: list[str],
        files: Mapping[str, bytes],
        meta: Mapping[str, Any],
        stdout: str | None = None,
        database: bool = False,
        started_by: str | None = None,
    ) -> str:
        """Keep the run's input `files` and `meta` and its command line `arguments`
        (OUT in it is the folder it runs in, where its files are; PYTHON the worker's
        Python: `command`) and return its id.
        Its standard output goes to the file `stdout` (else nowhere); `database`: it
        reads the database (the worker's own URL is given to it); `started_by`: who
        asks for it (the principal's actor), checked again before a queued run starts
        (`refusal`). Refused while another run of this kind is queued or running for
        the tenant."""
        now = context.clock()
        run_id = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        here = context.settings.runs_here()  # this process runs it, at once
        worker = this_worker()
        stale = _stale_before(context)

        def add(connection: Connection) -> RunRecord | None:
            runs = Runs(connection, tenant)
            runs.lock_tenant()
            runs.interrupt_stale(stale, utc_now())  # a dead worker's run holds no place
            if runs.active(self.kind):
                raise DomainError(
                    ErrorCode.CONFLICT,
                    f"a {self.name} is running already: wait for it to finish",
                    self.field,
                )
            runs.add(
                run_id,
                self.kind,
                arguments,
                dict(meta),
                stdout,
                database,
                self.timeout_seconds,
                now,
                (worker, utc_now()) if here else None,
                started_by,
            )
            RunFiles(connection, tenant).put(run_id, files.items())
            runs.prune(self.kind, self.keep)
            return runs.get(run_id) if here else None

        record = write(context, add)
        if record is not None:
            threading.Thread(
                target=execute, args=(context, tenant, record, worker), daemon=True
            ).start()
        return run_id

    def _run(self, context: Context, record: RunRecord, files: list[str]) -> Run:
        status = record.status
        stale = record.heartbeat_at is not None and record.heartbeat_at < _stale_before(context)
        if status == RunStatus.RUNNING and stale:  # its worker is gone; not yet marked so
            status = RunStatus.INTERRUPTED
        progress = None
        if status == RunStatus.RUNNING and record.progress_total is not None:
            progress = progress_of(
                int(record.progress_done or 0),
                record.progress_total,
                record.progress_unit or "",
                record.claimed_at or record.created_at,
                utc_now(),
            )
        return Run(
            id=record.run_id,
            meta=record.meta,
            started_at=record.created_at,
            status=status.value,
            error=record.error if status in (RunStatus.FAILED, RunStatus.CANCELLED) else None,
            progress=progress,
            files=files,
        )

    def runs(self, context: Context, tenant: str) -> list[Run]:
        """The tenant's runs of this kind, newest first."""

        def read(connection: Connection) -> list[Run]:
            files = RunFiles(connection, tenant)
            return [
                self._run(context, record, files.names(record.run_id))
                for record in Runs(connection, tenant).of_kind(self.kind)
            ]

        return query(context, read)

    def get(self, context: Context, tenant: str, run_id: str) -> Run:
        def read(connection: Connection) -> Run:
            record = Runs(connection, tenant).get(run_id) if RUN_ID.match(run_id) else None
            if record is None or record.kind != self.kind:
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    f"unknown {self.name} {run_id!r}",
                    self.name.replace(" ", "_"),
                )
            return self._run(context, record, RunFiles(connection, tenant).names(run_id))

        return query(context, read)

    def read(self, context: Context, tenant: str, run_id: str, name: str) -> bytes | None:
        """One of a run's files (as `get` lists them), or None."""
        return query(context, lambda connection: RunFiles(connection, tenant).read(run_id, name))


# ---------------------------------------------------------------------------- the worker


def _output(folder: Path, inputs: set[str]) -> list[tuple[str, bytes]]:
    """The files a run left in its folder: not its input, not the worker's own."""
    kept = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name in inputs or name in _BOOKKEEPING or not path.is_file() or len(name) > 64:
            continue
        if name.endswith(".tmp") or path.stat().st_size > MAX_FILE_BYTES:
            continue
        kept.append((name, path.read_bytes()))
    return kept


def execute(context: Context, tenant: str, record: RunRecord, worker: str) -> None:
    """Run a claimed run to its end: its command in a scratch folder, beating while it
    runs, then its files and exit code into the database. Never raises."""
    folder = context.settings.simulations_path() / tenant / record.run_id
    try:
        _execute(context, tenant, record, worker, folder)
    except Exception:  # the run is left to read as interrupted; the worker goes on
        log.exception("tenant %s: run %s", tenant, record.run_id)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _execute(context: Context, tenant: str, record: RunRecord, worker: str, folder: Path) -> None:
    run_id = record.run_id
    inputs = query(context, lambda connection: RunFiles(connection, tenant).all(run_id))
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in inputs.items():
        (folder / name).write_bytes(content)
    environment = {PROGRESS_ENV: str(folder / PROGRESS_FILE), PARENT_ENV: str(os.getpid())}
    if record.database:
        environment["ZENGZHI_DATABASE_URL"] = context.settings.database_url
    with (folder / LOG_FILE).open("wb") as log_file:
        output = (folder / record.stdout).open("wb") if record.stdout else None
        try:
            process = subprocess.Popen(
                [
                    part.replace(OUT, str(folder)).replace(PYTHON, sys.executable)
                    for part in record.arguments
                ],
                stdout=output or subprocess.DEVNULL,
                stderr=log_file,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **environment},
            )
        finally:
            if output:
                output.close()
    with _commands_lock:
        _commands[tenant, run_id] = process
    try:
        code = _wait(context, tenant, record, worker, folder, process)
    finally:
        with _commands_lock:
            _commands.pop((tenant, run_id), None)
    if code is None:  # no longer this worker's run
        return
    error = None
    if code != 0:
        error = (folder / LOG_FILE).read_text(errors="replace")[-ERROR_TAIL:]
    files = _output(folder, set(inputs))

    def end(connection: Connection) -> None:
        runs = Runs(connection, tenant)
        if runs.end(run_id, worker, utc_now(), code, error):
            RunFiles(connection, tenant).put(run_id, files)

    write(context, end)


def _wait(
    context: Context,
    tenant: str,
    record: RunRecord,
    worker: str,
    folder: Path,
    process: subprocess.Popen[bytes],
) -> int | None:
    """The command's exit code once it ends (killed past the time limit: -9), beating
    meanwhile; None when the run stopped being this worker's (the command is killed)."""
    deadline = time.monotonic() + record.timeout_seconds
    every = context.settings.run_heartbeat_seconds
    while True:
        try:
            return process.wait(timeout=max(0, min(every, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() >= deadline:
            process.kill()
            process.wait()
            with (folder / LOG_FILE).open("a") as log_file:
                log_file.write(f"\nstopped after {record.timeout_seconds} seconds\n")
            return -9
        progress = _progress_file(folder)

        def beat(connection: Connection, progress: tuple[int, int, str] | None = progress) -> bool:
            return Runs(connection, tenant).beat(record.run_id, worker, utc_now(), progress)

        if not write(context, beat):
            process.kill()
            process.wait()
            return None


def abandon(context: Context, worker: str | None = None) -> list[str]:
    """Give up the runs this process is running (it is stopping: SIGTERM, a server shut
    down): each is interrupted at once, rather than once its heartbeat is stale, and its
    command is killed. The runs given up."""
    worker = worker or this_worker()
    with _commands_lock:
        running = dict(_commands)
    given_up = []
    for (tenant, run_id), process in running.items():

        def interrupt(connection: Connection, tenant: str = tenant, run_id: str = run_id) -> bool:
            return Runs(connection, tenant).interrupt(run_id, worker, utc_now())

        if write(context, interrupt):  # first: its thread then records nothing
            given_up.append(run_id)
        process.kill()
    return given_up


# A run's starter is asked to still hold this when a worker claims it: simulations and
# dry runs are started by whoever may configure (service/simulations.py, dry_runs.py).
STARTS_RUNS = Permission.CONFIGURE


def refusal(connection: Connection, tenant: str, started_by: str | None) -> str | None:
    """Why a queued run may no longer start (its API key revoked, its user disabled or
    no longer allowed to configure), else None. A run of the command line or the system
    (or one kept before runs named their starter) is not refused."""
    kind, _, name = (started_by or "").partition(":")
    if kind == "key":
        key = ApiKeys(connection, tenant).get(name)
        if key is None or key.revoked_at is not None:
            return f"not started: the API key {name} that started it has been revoked"
        if STARTS_RUNS not in GRANTS[Role(key.role)]:
            return f"not started: the API key {name} that started it may not configure"
    elif kind == "user":
        user = Users(connection, tenant).get(name)
        if user is None or user.disabled:
            return f"not started: the user {name} who started it has been disabled"
        if STARTS_RUNS not in GRANTS[Role(user.role)]:
            return f"not started: the user {name} who started it may no longer configure"
    return None


def claim_and_start(context: Context, worker: str, free: int) -> list[threading.Thread]:
    """Declare interrupted the runs whose worker is gone, then claim up to `free` queued
    runs (any tenant's) and start each in a thread of its own. A run whose starter may
    no longer start it (`refusal`) is marked cancelled in the claim's transaction, never
    started, and the next queued one is claimed instead."""
    started: list[threading.Thread] = []
    stale = _stale_before(context)
    for tenant in query(context, lambda connection: tenants_with_runs(connection, ACTIVE_RUNS)):

        def take(connection: Connection, tenant: str = tenant) -> RunRecord | None:
            runs = Runs(connection, tenant)
            for run_id in runs.interrupt_stale(stale, utc_now()):
                log.warning("tenant %s: run %s interrupted (its worker is gone)", tenant, run_id)
            while len(started) < free:
                record = runs.claim(worker, utc_now())
                if record is None:
                    return None
                refused = refusal(connection, tenant, record.started_by)
                if refused is None:
                    return record
                runs.refuse(record.run_id, worker, utc_now(), refused)
                log.warning("tenant %s: run %s %s", tenant, record.run_id, refused)
            return None

        while True:
            record = write(context, take)
            if record is None:
                break
            thread = threading.Thread(
                target=execute,
                args=(context, tenant, record, worker),
                name=f"zengzhi-run-{record.run_id}",
                daemon=True,
            )
            thread.start()
            started.append(thread)
    return started


class RunWorker(threading.Thread):
    """A worker's loop for background runs: every `run_poll_seconds`, claim queued runs
    while fewer than `run_slots` of its own are running, until stopped; then it gives up
    the runs this process is running (`abandon`)."""

    def __init__(self, context: Context, worker: str | None = None) -> None:
        super().__init__(name="zengzhi-runs", daemon=True)
        self._context = context
        self._worker = worker or this_worker()
        self._stopping = threading.Event()
        self._running: list[threading.Thread] = []

    def run(self) -> None:
        settings = self._context.settings
        while not self._stopping.wait(settings.run_poll_seconds):
            self._running = [thread for thread in self._running if thread.is_alive()]
            try:
                free = settings.run_slots - len(self._running)
                self._running += claim_and_start(self._context, self._worker, free)
            except Exception:  # a failing pass is logged; the next one runs anyway
                log.exception("claiming runs failed")
        for run_id in abandon(self._context, self._worker):
            log.warning("run %s interrupted: this worker is stopping", run_id)

    def stop(self) -> None:
        self._stopping.set()
