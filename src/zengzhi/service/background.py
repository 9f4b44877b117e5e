"""Long work started from the console that runs in a process of its own: a simulation,
a dry run of a configuration change. The page that starts it answers at once; the run's
own page reads how it is going and, once it ended, what it left.

A run is a folder under the tenant's (`ZENGZHI_SIMULATIONS_DIR`, see settings): what it
was asked (its input files and `meta.json`, written before it starts), its error output
(`log.txt`), what it writes, and `exit` (its exit code) once it ended. A thread of the
server that started it waits for it, stops it after the kind's time limit and writes
`exit`. Each kind runs one at a time per tenant and keeps its last `keep` runs. A run
with no `exit` that this server is not running (the server restarted) is "interrupted".
With several servers, give them one shared folder; each watches the runs it started.

A run says how far it is in `progress.json` ({"done", "total", "unit"}), which the
command writes where `PROGRESS_ENV` says (the CLI's progress bar, in a file) at most
once a second; the run's page reads it and works out the time left from the pace so far.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
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

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.base import Context

RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$")
ERROR_TAIL = 2000  # characters of the log shown for a failed run
PROGRESS_ENV = "ZENGZHI_PROGRESS_FILE"  # where a run's command writes how far it is
PROGRESS_FILE = "progress.json"

_running: dict[Path, subprocess.Popen[bytes]] = {}  # by the run's folder
_lock = threading.Lock()


def command(*arguments: str) -> list[str]:
    """`zengzhi <arguments>` with this server's Python (and so this server's code)."""
    return [sys.executable, "-c", "from zengzhi.cli import app; app()", *arguments]


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


def read_progress(folder: Path, started_at: datetime, now: datetime) -> Progress | None:
    """How far a run is, from its progress file; None when it wrote none (yet)."""
    try:
        data = json.loads((folder / PROGRESS_FILE).read_text())
        done, total, unit = int(data["done"]), int(data["total"]), str(data["unit"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    elapsed = int((now - started_at) / timedelta(seconds=1))
    left = elapsed * (total - done) // done if 0 < done <= total else None
    return Progress(done=done, total=total, unit=unit, seconds_left=left)


@dataclass(frozen=True)
class Run:
    id: str
    folder: Path
    meta: dict[str, Any]  # what the starter kept with it
    started_at: datetime
    status: str  # running, done, failed, interrupted
    error: str | None  # the end of its error output, when it failed
    progress: Progress | None  # how far it is, while it runs

    def path(self, name: str) -> Path:
        return self.folder / name


@dataclass(frozen=True)
class Jobs:
    """One kind of run (simulations, dry runs): where its runs are kept and its limits."""

    name: str  # in messages: "a simulation is running already", "unknown simulation"
    field: str  # the field a refusal to start names (the form's)
    subfolder: str  # under the tenant's folder ("": the tenant's folder itself)
    timeout_seconds: int
    keep: int

    def folder(self, context: Context, tenant: str) -> Path:
        tenant_folder = context.settings.simulations_path() / tenant
        return tenant_folder / self.subfolder if self.subfolder else tenant_folder

    def start(
        self,
        context: Context,
        tenant: str,
        arguments: list[str],
        files: Mapping[str, bytes],
        meta: Mapping[str, Any],
        stdout: str | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> str:
        """Write the run's input `files` and `meta`, start `arguments` (a command line;
        "{out}" in it is the run's folder) and return the run's id. Its standard output
        goes to the file `stdout` in its folder (else nowhere), its errors to log.txt.
        Refused while another run of this kind is running for the tenant."""
        folder = self.folder(context, tenant)
        with _lock:
            if any(
                out.parent == folder and process.poll() is None for out, process in _running.items()
            ):
                raise DomainError(
                    ErrorCode.CONFLICT,
                    f"a {self.name} is running already: wait for it to finish",
                    self.field,
                )
            now = context.clock()
            run_id = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
            out = folder / run_id
            out.mkdir(parents=True)
            for name, content in files.items():
                (out / name).write_bytes(content)
            (out / "meta.json").write_text(
                json.dumps({**meta, "started_at": now.isoformat()}, ensure_ascii=False),
                encoding="utf-8",
            )
            with (out / "log.txt").open("wb") as log:
                output = (out / stdout).open("wb") if stdout else None
                try:
                    process = subprocess.Popen(
                        [part.replace("{out}", str(out)) for part in arguments],
                        stdout=output or subprocess.DEVNULL,
                        stderr=log,
                        stdin=subprocess.DEVNULL,
                        env={
                            **os.environ,
                            **(environment or {}),
                            PROGRESS_ENV: str(out / PROGRESS_FILE),
                        },
                    )
                finally:
                    if output:
                        output.close()
            _running[out] = process
        threading.Thread(target=self._watch, args=(out, process), daemon=True).start()
        self._prune(folder)
        return run_id

    def _watch(self, out: Path, process: subprocess.Popen[bytes]) -> None:
        try:
            code = process.wait(timeout=self.timeout_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = -9
            with (out / "log.txt").open("a") as log:
                log.write(f"\nstopped after {self.timeout_seconds} seconds\n")
        (out / "exit").write_text(str(code))
        with _lock:
            _running.pop(out, None)

    def _prune(self, folder: Path) -> None:
        runs = sorted(path for path in folder.iterdir() if RUN_ID.match(path.name))
        for old in runs[: -self.keep]:
            if (old / "exit").exists():
                shutil.rmtree(old, ignore_errors=True)

    def _run(self, context: Context, out: Path) -> Run:
        meta: dict[str, Any] = json.loads((out / "meta.json").read_text(encoding="utf-8"))
        exit_file = out / "exit"
        error = None
        if exit_file.exists():
            failed = exit_file.read_text().strip() != "0"
            status = "failed" if failed else "done"
            if failed:
                error = (out / "log.txt").read_text(errors="replace")[-ERROR_TAIL:]
        else:
            with _lock:
                alive = out in _running
            status = "running" if alive else "interrupted"
        started_at = datetime.fromisoformat(meta["started_at"])
        running = status == "running"
        return Run(
            id=out.name,
            folder=out,
            meta=meta,
            started_at=started_at,
            status=status,
            error=error,
            progress=read_progress(out, started_at, context.clock()) if running else None,
        )

    def runs(self, context: Context, tenant: str) -> list[Run]:
        """The tenant's runs of this kind, newest first."""
        folder = self.folder(context, tenant)
        if not folder.is_dir():
            return []
        found = sorted((p for p in folder.iterdir() if RUN_ID.match(p.name)), reverse=True)
        return [self._run(context, out) for out in found if (out / "meta.json").exists()]

    def get(self, context: Context, tenant: str, run_id: str) -> Run:
        out = self.folder(context, tenant) / run_id
        if not RUN_ID.match(run_id) or not (out / "meta.json").exists():
            raise DomainError(
                ErrorCode.NOT_FOUND, f"unknown {self.name} {run_id!r}", self.name.replace(" ", "_")
            )
        return self._run(context, out)
