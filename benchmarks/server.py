"""Start the service as `zengzhi serve` runs it, in a `uvicorn` process of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
from cryptography.fernet import Fernet


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str, secret: str, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """The server on `url`'s database (due jobs off, background runs in its own process),
    in `workers` processes as `uvicorn --workers` runs them (one: the process itself);
    returns it and its base address once it answers /health."""
    port = free_port()
    env = {
        **os.environ,
        "ZENGZHI_DATABASE_URL": url,
        "ZENGZHI_SECRET_KEY": secret,
        "ZENGZHI_RUN_JOBS": "false",
        # no worker beside it: the dry runs it is asked for run in its own process
        "ZENGZHI_RUNS_IN_PROCESS": "true",
        "ZENGZHI_COOKIE_SECURE": "false",  # plain HTTP on this machine
        # PostgreSQL needs a payee key to start (docs/payments.md); a fresh one per run
        "ZENGZHI_PAYEE_KEYS": os.environ.get("ZENGZHI_PAYEE_KEYS")
        or Fernet.generate_key().decode(),
    }
    command = [sys.executable, "-m", "uvicorn", "zengzhi.app:from_environment"]
    command += ["--factory", "--port", str(port), "--log-level", "warning"]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not start")
