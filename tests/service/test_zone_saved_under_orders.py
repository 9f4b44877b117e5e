"""A zone saved while an order waits for it (found by tests/service/test_mixed_races.py,
2026-12-04). An order in a zone locks the zone's row; saving the zone replaced its row by
deleting it and inserting it again, and on PostgreSQL a lock granted on a deleted row
finds nothing (the new row is not the one it waited for): the order was refused as
"unknown zone 'club'". The interleaving is made by hand: the save pauses once it has
written the row, until the order waits on it."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import text

from tests.service.conftest import new_tenant
from zengzhi.service import catalog, members, orders
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.catalog import ProductIn, ZoneIn
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.store.catalog import Catalog

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
SAVING = "saving-the-zone"


def _zone(funding: str) -> ZoneIn:
    return ZoneIn.model_validate({"modes": {"union": {"funding": funding, "lock_days": 0}}})


def _someone_waits_on_a_lock(context: Context) -> bool:
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with context.database.read() as connection:
            if connection.execute(query).scalar_one():
                return True
        time.sleep(0.05)
    return False


@postgresql_only
def test_an_order_waiting_for_its_zone_while_the_zone_is_saved_goes_through(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    catalog.put_item(context, owner, "zone", "club", _zone("0.3"))
    pack = ProductIn(price="100.00", platform="100.00", zone="club")
    catalog.put_item(context, owner, "product", "pack", pack)
    members.create_member(context, owner, NewMember(id="z0"))

    written, order_waits = threading.Event(), threading.Event()
    replace = Catalog.replace

    def paused(self: Catalog, key: str, values: Any) -> None:
        replace(self, key, values)
        if threading.current_thread().name == SAVING:
            written.set()
            if _someone_waits_on_a_lock(context):
                order_waits.set()

    monkeypatch.setattr(Catalog, "replace", paused)
    errors: list[BaseException] = []

    def run(step: Any) -> None:
        try:
            step()
        except BaseException as error:  # kept, for the test to see
            errors.append(error)

    saving = threading.Thread(
        target=run,
        args=(lambda: catalog.put_item(context, owner, "zone", "club", _zone("0.4")),),
        name=SAVING,
    )
    saving.start()
    assert written.wait(30)

    def buy() -> None:
        orders.create_order(context, owner, NewOrder(id="o1", member="z0", product="pack"))
        orders.pay(context, owner, "o1")

    ordering = threading.Thread(target=run, args=(buy,))
    ordering.start()
    saving.join(60)
    ordering.join(60)
    assert order_waits.is_set(), "the order never waited for the zone: no race was made"
    assert errors == []
    assert orders.get_order(context, owner, "o1").status == "completed"
    assert catalog.get_item(context, owner, "zone", "club").modes.union.funding == "0.4"  # type: ignore[attr-defined]
