"""The one way tests start the HTTP service in its own process: `uvicorn
zengzhi.app:from_environment --factory` (what a process manager runs, docs/service.md) on
127.0.0.1, configured by ZENGZHI_* variables, ready when /health answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

STARTUP_SECONDS = 120  # shared cores under load: importing the whole app can take long


# as production's, the servers have a payee key (on PostgreSQL they would not start without
# one: service/payee_keys.py), unless `env` gives its own
PAYEE_KEY = Fernet.generate_key().decode()


def launch(port: int, env: Mapping[str, str], cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start the server (not waiting for it); `env` is added to this process's own."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "zengzhi.app:from_environment",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, "ZENGZHI_PAYEE_KEYS": PAYEE_KEY, **env},
        cwd=cwd,
    )


def wait_until_healthy(process: subprocess.Popen[bytes], port: int) -> None:
    """Return once /health answers 200; kill the server and fail the test if it never does."""
    deadline = time.monotonic() + STARTUP_SECONDS
    # one client for every try: each httpx client reads the CA bundle (26 ms of CPU), and
    # a client a try, every 50 ms, cost the suite half a minute
    with httpx.Client(timeout=1) as http:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if http.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
    process.kill()
    process.wait(timeout=20)
    pytest.fail(f"the server on port {port} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


def start(port: int, env: Mapping[str, str], cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """A started server, answering; the caller stops it."""
    process = launch(port, env, cwd)
    wait_until_healthy(process, port)
    return process


@contextmanager
def serving(
    port: int, env: Mapping[str, str], cwd: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A server for the `with` block, stopped after it."""
    process = start(port, env, cwd)
    try:
        yield process
    finally:
        stop(process)
