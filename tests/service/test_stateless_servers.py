"""Stateless API servers (issue 16): two API server processes and two `zengzhi worker`
processes against one PostgreSQL database.

The servers run no jobs (ZENGZHI_RUN_JOBS=false), so a run they start is queued for a
worker. A dry run (API) and a simulation (console) are started through server A and
polled, and their output read, through server B; a worker killed (SIGKILL) mid-run
leaves its run interrupted, said so by B and marked so by the other worker, which runs
the next one; the webhooks the orders caused reach the receiver once each, although both
workers deliver. (The single-process path, `serve` on SQLite running its own runs, is
tests/service/test_dry_runs.py's, on both databases.)
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests import server_process
from tests.service.conftest import PASSWORD, SECRET, free_port, new_tenant
from tests.service.test_webhook_processes import Receiver
from zengzhi.service.auth import Principal, Role
from zengzhi.service.background import PARENT_ENV
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.service.users import NewApiKey, create_api_key
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

STALE_SECONDS = 5  # a worker silent this long has stopped (default 30; it beats every second)
TINY = """name = "Thirty quiet days"

[simulation]
days = 30
seed = 7

[tenant.pool]
exit_multiple = "2"

[flow]
orders_per_day = 40
contribution_share = "0.30"
"""


def until(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    """The condition's first true value, polled; the test fails naming `what` if none."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"not within {seconds} s: {what}")


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from zengzhi.cli import app; app()",
            "worker",
            "--interval",
            "3600",
        ],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


class Console:
    """A console session on one server: signed in as the tenant's owner."""

    def __init__(self, base: str, tenant: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)
        signed = self.http.post(
            "/console/login",
            data={"tenant": tenant, "username": "owner", "password": PASSWORD, "next": "/console"},
        )
        assert signed.status_code in (200, 303), signed.text
        found = re.search(
            r'name="csrf" value="([0-9a-f]{64})"', self.http.get("/console/simulations").text
        )
        assert found is not None
        self.csrf = found.group(1)

    def start(self, **form: Any) -> str:
        """Start a simulation; its id (from where the answer sends the browser)."""
        files = form.pop("files", None)
        started = self.http.post(
            "/console/simulations", data={"csrf": self.csrf, **form}, files=files
        )
        assert started.status_code == 303, started.text
        return started.headers["location"].rsplit("/", 1)[-1]

    def status(self, run_id: str) -> str:
        page = self.http.get(f"/console/simulations/{run_id}")
        assert page.status_code == 200, page.text
        found = re.search(r'<span class="badge (\w+)">', page.text)
        assert found is not None
        return found.group(1)


@pytest.fixture
def cluster(postgres_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Servers A and B, workers 1 and 2, a receiver for webhooks, and a tenant."""
    database = Database(postgres_url)
    upgrade(database.writer)
    settings = Settings(database_url=postgres_url, secret_key=SECRET)
    context = Context(database, settings)
    tenant = new_tenant(context, "cluster")
    owner = Principal(tenant, "test", Role.OWNER)
    key = create_api_key(context, owner, NewApiKey(name="shop"))
    operator = create_api_key(context, owner, NewApiKey(name="ops", role=Role.OPERATOR))
    receiver = Receiver(free_port())
    receiver.start()
    env = {
        "ZENGZHI_DATABASE_URL": postgres_url,
        "ZENGZHI_SECRET_KEY": SECRET.get_secret_value(),
        "ZENGZHI_PAYEE_KEYS": server_process.PAYEE_KEY,
        "ZENGZHI_RUN_JOBS": "false",
        "ZENGZHI_COOKIE_SECURE": "false",  # the console over plain HTTP
        "ZENGZHI_WEBHOOK_PRIVATE_TARGETS": "true",  # the receiver is on this machine
        "ZENGZHI_WEBHOOK_INTERVAL_SECONDS": "1",
        "ZENGZHI_RUN_SLOTS": "1",
        "ZENGZHI_RUN_POLL_SECONDS": "1",
        "ZENGZHI_RUN_HEARTBEAT_SECONDS": "1",
        "ZENGZHI_RUN_STALE_SECONDS": str(STALE_SECONDS),
    }
    ports = [free_port(), free_port()]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for number, port in enumerate(ports):
            folder = tmp_path / f"server{number}"
            processes.append(
                server_process.launch(port, {**env, "ZENGZHI_SIMULATIONS_DIR": str(folder)})
            )
        workers = [
            start_worker({**env, "ZENGZHI_SIMULATIONS_DIR": str(tmp_path / f"worker{n}")})
            for n in (1, 2)
        ]
        processes += workers
        for process, port in zip(processes, ports, strict=False):
            server_process.wait_until_healthy(process, port)
        yield {
            "a": f"http://127.0.0.1:{ports[0]}",
            "b": f"http://127.0.0.1:{ports[1]}",
            "workers": workers,
            "tenant": tenant,
            "key": key.token,
            "operator": operator.token,
            "database": database,
            "receiver": receiver,
        }
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            process.wait(timeout=30)
        receiver.stop()
        database.dispose()


def claimed_by(database: Database, tenant: str, run_id: str) -> tuple[str, str | None]:
    c = t.runs.c
    with database.read() as connection:
        row = connection.execute(
            select(c.status, c.claimed_by).where(c.tenant_id == tenant, c.run_id == run_id)
        ).one()
    return row.status, row.claimed_by


def api(cluster: dict[str, Any], server: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=cluster[server], headers={"Authorization": f"Bearer {cluster[token]}"}, timeout=60
    )


def ran_on_a_worker(cluster: dict[str, Any], run_id: str) -> str:
    """The pid of the worker that ran a run that is done (not a server: they run none)."""
    status, worker = claimed_by(cluster["database"], cluster["tenant"], run_id)
    assert status == "done" and worker is not None
    pid = worker.split(":")[1]
    assert pid in {str(process.pid) for process in cluster["workers"]}
    return pid


def children_of(pid: int) -> list[int]:
    """The run commands a worker started and that still run (they say whose they are)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"{PARENT_ENV}={pid}".encode() in environ:
            found.append(int(proc.name))
    return found


def history_and_webhooks(cluster: dict[str, Any]) -> int:
    """A pool, members and paid orders through A, each event delivered once; how many."""
    receiver: Receiver = cluster["receiver"]
    shop, admin = api(cluster, "a", "key"), api(cluster, "a", "operator")
    hook = admin.post(
        "/v1/webhooks",
        json={"url": f"http://127.0.0.1:{receiver.port}/hooks", "event_types": ["*"]},
    )
    assert hook.status_code == 201, hook.text
    receiver.secret = hook.json()["secret"]
    assert admin.post("/v1/pools", json={"id": "main", "exit_multiple": "2"}).is_success
    for n in range(4):
        assert shop.post("/v1/members", json={"id": f"m{n}"}).is_success
    for n in range(12):
        body = {"id": f"o{n}", "member": f"m{n % 4}", "amount": "100.00", "contribution": "30.00"}
        assert shop.post("/v1/orders", json=body).is_success
        assert shop.post(f"/v1/orders/o{n}/pay").is_success
    e = t.webhook_events.c
    with cluster["database"].read() as connection:
        committed: int = connection.execute(
            select(func.count()).where(e.tenant_id == cluster["tenant"])
        ).scalar_one()
    assert committed == 1 + 4 + 12 * 2  # pool opened, members joined, orders and mints
    # both workers deliver every second
    until(lambda: len(receiver.arrived) >= committed, 60, "every webhook to arrive")
    assert receiver.forged == 0
    return committed


def dry_run_from_a_read_on_b(cluster: dict[str, Any]) -> None:
    admin_a, admin_b = api(cluster, "a", "operator"), api(cluster, "b", "operator")
    live = admin_b.get("/v1/config").json()
    proposal = {"config": live | {"pool": live["pool"] | {"exit_multiple": "3"}}, "top": 3}
    started = admin_a.post("/v1/dry-runs", json=proposal)
    assert started.status_code == 202, started.text
    assert started.json()["status"] in ("queued", "running")
    location = started.headers["Location"]
    done = until(
        lambda: (
            (run := admin_b.get(location).json())["status"] not in ("queued", "running") and run
        ),
        180,
        "the dry run to end",
    )
    assert done["status"] == "done", done["error"]
    assert done["result"] == admin_b.post("/v1/backtest", json=proposal).json()
    assert done["result"]["changes"] == ["pool main exit_multiple: 2 → 3"]
    ran_on_a_worker(cluster, done["id"])


def simulation_from_a_read_on_b(cluster: dict[str, Any], a: Console, b: Console) -> None:
    run_id = a.start(files={"upload": ("tiny.toml", TINY.encode())})
    until(lambda: b.status(run_id) == "done", 180, "the simulation to be done")
    report = b.http.get(f"/console/simulations/{run_id}/files/report.html")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "Thirty quiet days" in report.text
    daily = b.http.get(f"/console/simulations/{run_id}/files/daily.csv")
    assert daily.status_code == 200 and len(daily.text.strip().splitlines()) == 1 + 30
    assert a.http.get(f"/console/simulations/{run_id}/files/daily.csv").text == daily.text
    ran_on_a_worker(cluster, run_id)


def a_worker_killed_mid_run(cluster: dict[str, Any], a: Console, b: Console) -> None:
    """The worker running a year-long simulation is killed (SIGKILL): B says the run is
    interrupted at once, the other worker marks it so, its command stops too, and the
    next run of its kind starts and runs on the worker left."""
    database, tenant = cluster["database"], cluster["tenant"]
    workers: list[subprocess.Popen[bytes]] = cluster["workers"]
    long_run = a.start(shipped="flat-flow.toml")
    holder = until(
        lambda: (found := claimed_by(database, tenant, long_run))[0] == "running" and found[1],
        120,
        "a worker to take the long simulation",
    )
    killed = next(worker for worker in workers if str(worker.pid) == holder.split(":")[1])
    survivor = next(worker for worker in workers if worker is not killed)
    until(lambda: children_of(killed.pid), 30, "the run's command to start")
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=20)
    until(lambda: b.status(long_run) == "interrupted", 60, "B to say interrupted")
    until(
        lambda: claimed_by(database, tenant, long_run)[0] == "interrupted",
        60,
        "the other worker to mark the run interrupted",
    )
    until(lambda: not children_of(killed.pid), 30, "the killed worker's command to stop")
    again = b.start(files={"upload": ("tiny.toml", TINY.encode())})
    until(lambda: a.status(again) == "done", 180, "the next simulation to be done")
    assert ran_on_a_worker(cluster, again) == str(survivor.pid)


def test_runs_and_webhooks_across_two_servers_and_two_workers(cluster: dict[str, Any]) -> None:
    committed = history_and_webhooks(cluster)
    dry_run_from_a_read_on_b(cluster)
    a, b = Console(cluster["a"], cluster["tenant"]), Console(cluster["b"], cluster["tenant"])
    simulation_from_a_read_on_b(cluster, a, b)
    a_worker_killed_mid_run(cluster, a, b)
    # no webhook event reached the receiver twice, though both workers delivered all along
    times = Counter(event["id"] for event in cluster["receiver"].arrived)
    assert len(times) == committed and set(times.values()) == {1}
