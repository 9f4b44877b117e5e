"""A process begins each command with the tenant's settings as it last saw them kept
(store/uow.py), saving a read a command; another server may have saved new ones since.
Whatever the command does is then checked against the settings kept: a refusal, a commit
that numbers (under the tenant's lock) and a commit that numbers nothing. Here "another
server" is a second `Database` on the same database, as a second API process has."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.service.conftest import Api
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.service import orders, tenants
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.orders import NewOrder
from zengzhi.service.tenants import TenantSettings
from zengzhi.store.database import Database, LostRace
from zengzhi.store.uow import UnitOfWork


@pytest.fixture
def elsewhere(context: Context) -> Iterator[Context]:
    """The same database as another server sees it: its own connections, its own
    known settings."""
    database = Database(context.database.url)
    yield Context(database, context.settings, context.clock)
    database.dispose()


def _saved_elsewhere(elsewhere: Context, api: Api, **withdrawals: str) -> None:
    owner = Principal(api.tenant, "owner", Role.OWNER)
    tenants.update_settings(
        elsewhere, owner, TenantSettings.model_validate({"withdrawals": withdrawals})
    )


def _kept_here(api: Api, context: Context, **withdrawals: str) -> None:
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": withdrawals}))
    known = context.database.known_settings[api.tenant]
    assert {key: known["withdrawals"][key] for key in withdrawals} == withdrawals


def test_a_refusal_is_not_made_on_settings_another_server_changed(
    api: Api, context: Context, elsewhere: Context
) -> None:
    a_member_with_money(api)
    _kept_here(api, context, minimum="10.00")
    _saved_elsewhere(elsewhere, api, minimum="1.00")
    asked = api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "5.00"})
    assert asked.status_code == 201, asked.json()  # not "the smallest withdrawal is 10.00"
    assert context.database.known_settings[api.tenant]["withdrawals"]["minimum"] == "1.00"
    # and a refusal the settings kept make is still made
    _saved_elsewhere(elsewhere, api, minimum="20.00")
    small = api.post("/v1/members/m1/withdrawals", {"id": "w2", "amount": "5.00"})
    assert small.status_code == 422
    assert small.json()["message"] == "the smallest withdrawal is 20.00"


def test_a_numbered_command_is_decided_by_the_settings_kept(
    api: Api, context: Context, elsewhere: Context
) -> None:
    a_member_with_money(api)
    _kept_here(api, context, auto_approve_limit="0.00", fee_rate="0")
    _saved_elsewhere(elsewhere, api, auto_approve_limit="100.00", fee_rate="0.01")
    asked = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "50.00"}))
    assert (asked["status"], asked["decided_by"], asked["fee"]) == ("approved", "auto", "0.50")
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_a_commit_that_numbers_nothing_reads_the_settings_kept(
    api: Api, context: Context, elsewhere: Context
) -> None:
    api.pool()
    api.member("m1")
    _kept_here(api, context, minimum="10.00")
    _saved_elsewhere(elsewhere, api, minimum="3.00")
    # created, not paid, by a caller that is not audited: nothing numbered, so no lock
    # of the tenant's row compares the settings
    owner = Principal(api.tenant, "system:test", Role.OWNER)
    made, _ = orders.create_order(
        context, owner, NewOrder(id="o1", member="m1", amount="100.00", contribution="30.00")
    )
    assert made.status == "created"
    assert context.database.known_settings[api.tenant]["withdrawals"]["minimum"] == "3.00"


def test_a_change_of_settings_begun_on_settings_changed_elsewhere_runs_again(
    api: Api, context: Context, elsewhere: Context
) -> None:
    """A command that saves settings checks, once it holds them locked, that what it
    began with is what is kept: the commands of its group before it decided by them,
    and after the change no commit compares them."""
    _kept_here(api, context, minimum="10.00")
    _saved_elsewhere(elsewhere, api, minimum="2.00")
    with UnitOfWork(context.database, api.tenant, context.clock()) as uow:
        assert uow.settings is not None and uow.settings["withdrawals"]["minimum"] == "10.00"
        kept = tenants.load_settings(uow.connection, api.tenant, lock=True)
        with pytest.raises(LostRace):
            uow.store_settings(kept.model_dump(mode="json", exclude_none=True))
    assert context.database.known_settings[api.tenant]["withdrawals"]["minimum"] == "2.00"


def test_a_quote_refused_on_settings_changed_elsewhere_is_answered_its_refusal(
    api: Api, context: Context, elsewhere: Context
) -> None:
    """A member's sale quote is a sale rolled back: refused (more points than held) on
    settings another server had changed since, it found them changed on its way out and
    was answered 500 (found by an attacker with two API servers on one database). It is
    run again, as a command is, and answered its refusal."""
    api.pool()
    api.member("m1")
    token = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    _kept_here(api, context, minimum="10.00")
    _saved_elsewhere(elsewhere, api, minimum="3.00")
    quoted = api.client.post(
        "/v1/me/sell/quote",
        json={"pool": "main", "points": "1.0000"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert quoted.status_code == 422, quoted.text
    assert quoted.json()["code"] == "insufficient"
    assert context.database.known_settings[api.tenant]["withdrawals"]["minimum"] == "3.00"
