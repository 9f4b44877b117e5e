"""Issue 15, items 10, 13, 15, 16 and 17: the smaller holes, each closed."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from tests.processes import RACERS
from tests.security import workers
from tests.security.conftest import sqlite_only
from tests.service.conftest import SECRET, Api, Clock
from tests.service.test_payments import gateway
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from zengzhi.service.base import Context
from zengzhi.service.egress import is_private
from zengzhi.service.jobs import COMPLETE_ORDERS, complete_due_orders
from zengzhi.service.settings import Settings
from zengzhi.store import tables as t
from zengzhi.store.database import Database

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------- item 10


STAMPS = ["9" * 5000, "١٧٩٥٢٥١٦٠٠", "1" * 13, "-1", " ", "1e9", "0x10"]


@sqlite_only
def test_a_timestamp_that_is_no_timestamp_is_a_401(api: Api) -> None:
    for adapter in ("manual", "webhook"):
        if adapter == "webhook":
            gateway(api)
        for stamp in STAMPS:
            answer = api.client.post(
                f"/v1/gateway/{api.tenant}/notifications",
                content=b'{"id": "n1", "type": "payout.failed"}',
                headers={TIMESTAMP_HEADER: stamp.encode(), SIGNATURE_HEADER: "v1=00"},
            )
            assert answer.status_code == 401, (adapter, stamp[:20], answer.text)
    for stamp in STAMPS:
        with pytest.raises(SignatureError) as refused:
            verify("s", stamp, "v1=00", b"{}", 1795251600, 300)
        assert refused.value.field == TIMESTAMP_HEADER


# ---------------------------------------------------------------------------- item 13

LOOPBACK_IN_IPV6 = [
    "::127.0.0.1",  # IPv4-compatible
    "64:ff9b::7f00:1",  # NAT64
    "2002:7f00:1::",  # 6to4
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "64:ff9b:1::a00:1",  # local-use NAT64
    "::ffff:10.0.0.1",  # mapped
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254, the cloud's metadata
]


@sqlite_only
def test_ipv6_forms_of_private_addresses_are_refused(api: Api) -> None:
    for address in LOOPBACK_IN_IPV6:
        assert is_private(address), address
        hook = api.post("/v1/webhooks", {"url": f"http://[{address}]/h", "event_types": ["*"]})
        assert hook.status_code == 422 and hook.json()["field"] == "url", (address, hook.text)
        body = {"adapter": "webhook", "payout_url": f"https://[{address}]:8443/p"}
        payout = api.put("/v1/payments/adapter", body)
        assert payout.status_code == 422 and payout.json()["field"] == "payout_url", address
    for public in ("2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1"):
        assert not is_private(public), public
    ok = api.post("/v1/webhooks", {"url": "http://[2606:4700::1111]/h", "event_types": ["*"]})
    assert ok.status_code == 201


# ---------------------------------------------------------------------------- item 15


def test_a_killed_tick_leaves_a_record_of_every_completion_it_made(
    api: Api, context: Context, clock: Clock
) -> None:
    api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 60}))
    api.pool()
    api.member("m1")
    api.ok(
        api.post(
            "/v1/orders", {"id": "o0", "member": "m1", "amount": "10.00"} | {"contribution": "3.00"}
        )
    )
    api.ok(api.post("/v1/orders/o0/pay"))
    with context.database.write() as connection:  # 200 more like it, paid and due
        o = t.orders.c
        row = connection.execute(
            select(t.orders).where(o.tenant_id == api.tenant, o.order_id == "o0")
        ).one()
        connection.execute(
            insert(t.orders),
            [{**row._asdict(), "order_id": f"o{n:03d}"} for n in range(1, 201)],
        )
    url, secret = context.database.url, SECRET.get_secret_value()
    tick = RACERS.Process(target=workers.tick_tenant, args=(url, secret, api.tenant))
    tick.start()

    def completed() -> int:
        with context.database.read() as connection:
            o = t.orders.c
            return int(
                connection.execute(
                    select(func.count()).where(o.tenant_id == api.tenant, o.status == "completed")
                ).scalar_one()
            )

    deadline = time.monotonic() + 60
    while completed() < 30 and time.monotonic() < deadline and tick.is_alive():
        time.sleep(0.05)
    tick.kill()  # SIGKILL, halfway
    tick.join(timeout=10)
    assert tick.exitcode == -9, "the tick finished before it could be killed"

    def recorded() -> int:
        with context.database.read() as connection:
            j = t.job_runs.c
            results = connection.execute(
                select(j.result).where(j.tenant_id == api.tenant, j.job == COMPLETE_ORDERS)
            ).scalars()
            return sum(int(result["done"]) for result in results)

    killed_at = completed()
    assert 30 <= killed_at < 201
    assert recorded() == killed_at  # every completion before the kill is in the record
    clock.advance(minutes=2)  # the rest, by the test's clock
    complete_due_orders(context, api.tenant)
    assert completed() == recorded() == 201


# ---------------------------------------------------------------------------- item 16


def test_the_sqlite_file_and_its_companions_are_the_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    database = Database(f"sqlite:///{path}")
    with database.write() as connection:
        connection.execute(text("CREATE TABLE secrets (value TEXT)"))
        connection.execute(text("INSERT INTO secrets VALUES ('whsec_x')"))
        mode = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    database.dispose()
    assert mode["fresh.db"] == 0o600, mode
    assert mode.get("fresh.db-wal", 0o600) == 0o600 and mode.get("fresh.db-shm", 0o600) == 0o600
    assert "fresh.db-wal" in mode
    Settings(database_url=f"sqlite:///{path}").session_secret()
    assert stat.S_IMODE((tmp_path / "fresh.secret").stat().st_mode) == 0o600
    os.chmod(path, 0o640)  # a file that exists is left as its owner set it
    Database(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_the_demos_secret_and_wal_files_are_not_committed() -> None:
    names = ["zengzhi.db", "zengzhi.secret", "zengzhi.db-wal", "zengzhi.db-shm"]
    found = subprocess.run(
        ["git", "check-ignore", *names], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert found.stdout.split() == names


# ---------------------------------------------------------------------------- item 17


def test_a_repeated_withdrawal_answers_200_with_the_first_answer(api: Api) -> None:
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    body = {"id": "w1", "amount": "10.00"}
    first = api.post("/v1/members/m1/withdrawals", body)
    again = api.post("/v1/members/m1/withdrawals", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert api.post("/v1/members/m1/withdrawals", {**body, "amount": "11.00"}).status_code == 409
    token = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    mine = api.post("/v1/me/withdrawals", body, token=token)
    assert mine.status_code == 201
    assert api.post("/v1/me/withdrawals", body, token=token).status_code == 200
