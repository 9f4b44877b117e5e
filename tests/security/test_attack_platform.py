"""An independent attack on the platform over HTTP (2026-12-04): sign-out with a token
that only looks like a key, the gateway address telling tenants apart, hostile amounts
and bodies on the money routes, withdrawals decided from several processes at once, and
a webhook receiver that answers slowly or without end. Each test failed on the code it
was written against."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from tests.security import attack_workers
from tests.security.attack_workers import ROUNDS
from tests.security.conftest import sqlite_only
from tests.security.races import race
from tests.service.conftest import PASSWORD, SECRET, Api, Clock, login, new_tenant
from tests.service.test_payments import notify
from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.service import (
    audit,
    distribution,
    gateway_payouts,
    members,
    orders,
    pools,
    wallets,
    webhooks,
)
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.gateways.outcome import Outcome
from zengzhi.service.members import NewMember, SellRequest
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.wallets import WithdrawalRequest
from zengzhi.service.webhook_delivery import DispatchReport, dispatch
from zengzhi.service.webhooks import SubscriptionIn


@sqlite_only
def test_signing_out_with_a_token_that_only_looks_like_a_key_is_a_401(api: Api) -> None:
    """`zz1.` and three dots make no key: refused as unknown (401) like any bad token, not
    told to revoke it with DELETE /v1/api-keys (409) as if it were one; a revoked key too."""
    key = api.ok(api.post("/v1/api-keys", {"name": "shop"}))
    before = api.ok(api.get("/v1/api-keys"))
    for token in (
        f"zz1.{api.tenant}.0123456789abcdef.{'0' * 64}",
        "zz1.no-such-tenant.0123456789abcdef.x",
        f"zz1.{api.tenant}.{key['key_id']}.wrong-secret",
    ):
        refused = api.post("/v1/auth/logout", token=token)
        assert refused.status_code == 401, (token, refused.text)
    assert api.ok(api.delete(f"/v1/api-keys/{key['key_id']}"))["revoked_at"] is not None
    revoked = api.post("/v1/auth/logout", token=key["token"])
    assert revoked.status_code == 401, revoked.text
    assert [k["key_id"] for k in api.ok(api.get("/v1/api-keys"))] == [k["key_id"] for k in before]
    assert api.get("/v1/pools").status_code == 200  # the caller's own session goes on


def test_a_hostile_bearer_token_is_a_401_whatever_it_holds(api: Api) -> None:
    """A token shaped as a key with a NUL in its tenant reached the key's lookup, which
    PostgreSQL refuses (text cannot hold NUL): a 500. Only what `new_api_key` makes is
    read as a key now; the rest, "1e3", full-width digits, a long one, is an unknown
    token (401), on both databases, and the caller's own token goes on working."""
    hostile = [
        f"zz1.{api.tenant}\x00.0123456789abcdef.{'0' * 64}",
        "zz1.t\x00.k.s",
        "zz1.1e3.abc.def",
        "1e3",
        "zz1." + "x" * 20_000 + ".k.s",
        "zz1...",
    ]
    for token in hostile:
        refused = api.get("/v1/pools", token=token)
        assert refused.status_code == 401, (token[:40], refused.text)
    wide = f"Bearer zz1.{api.tenant}.１２３.４５６".encode()  # full-width, sent as UTF-8
    refused = api.client.get("/v1/pools", headers={"Authorization": wide})
    assert refused.status_code == 401, refused.text
    assert api.get("/v1/pools").status_code == 200


@sqlite_only
def test_the_gateway_address_does_not_tell_a_tenant_from_none(api: Api, clock: Clock) -> None:
    """Anyone may post to /v1/gateway/{tenant}/notifications: a tenant without a gateway
    (the manual adapter) and a tenant that does not exist are answered alike, so the
    address cannot be used to list which tenants exist."""
    paid = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    manual = notify(api, "whsec_anything", clock, paid)
    api.tenant, tenant = "no-such-tenant", api.tenant
    unknown = notify(api, "whsec_anything", clock, paid)
    api.tenant = tenant
    assert manual.status_code == unknown.status_code == 401
    assert manual.json() == unknown.json()


PROCESSES = 3


def _funded(context: Context, prefix: str, count: int) -> tuple[str, Principal]:
    """A tenant whose members {prefix}0… each hold some cash in their wallet."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main"))
    for n in range(count):
        member = f"{prefix}{n}"
        members.create_member(context, owner, NewMember(id=member))
        order = NewOrder(id=f"o-{member}", member=member, amount="100.00", contribution="30.00")
        orders.create_order(context, owner, order)
        orders.pay(context, owner, order.id)
        members.sell(context, owner, member, SellRequest(id=f"sell-{member}", points="all"))
    return tenant, owner


def _fen(text: str) -> int:
    return Yuan(text).minor


def test_one_withdrawal_approved_paid_and_rejected_at_once_ends_one_way(
    context: Context,
) -> None:
    """Three processes of three threads: one approves and marks paid, one rejects, one
    approves, the same held withdrawal at the same moment, six rounds. It ends either
    rejected (the hold back in the wallet, nothing paid) or approved/paid (nothing
    returned), never both; the ledger agrees with every balance."""
    tenant, owner = _funded(context, "d", ROUNDS)
    held: dict[str, int] = {}
    for round_ in range(ROUNDS):
        member = f"d{round_}"
        held[member] = _fen(wallets.wallet(context, owner, member).balance)
        wallets.request_withdrawal(
            context, owner, member, WithdrawalRequest(id=f"d{round_}", amount="1.00")
        )
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, attack_workers.decide_rounds, (url, secret, tenant))
    for process in outcomes:
        for outcome in process:  # each answered or refused with a conflict, never a crash
            assert "internal" not in outcome, outcome
    threads = attack_workers.THREADS
    seen = set()
    for round_ in range(ROUNDS):
        member = f"d{round_}"
        after = wallets.get_withdrawal(context, owner, f"d{round_}")
        said = [
            a for process in outcomes for a in process[round_ * threads : (round_ + 1) * threads]
        ]
        # the answers tell what happened: a rejection that succeeded, or a payment
        assert ("ok" in said) == (after.status == "rejected"), (said, after.status)
        assert any("paid:ok" in a for a in said) == (after.status == "paid"), (said, after)
        seen.add(after.status)
        wallet = wallets.wallet(context, owner, member)
        if after.status == "rejected":
            assert (_fen(wallet.balance), _fen(wallet.withdrawing)) == (held[member], 0)
        else:
            assert after.status in ("approved", "paid"), after.status
            assert _fen(wallet.balance) == held[member] - 100
            assert _fen(wallet.withdrawing) == (100 if after.status == "approved" else 0)
    report = query(context, lambda connection: audit.audit_tenant(connection, tenant, False))
    assert report.differences == []


def test_withdrawals_at_once_never_spend_one_balance_twice(context: Context) -> None:
    """Nine withdrawals (three processes of three threads, ids of their own) of more than
    half a member's wallet at the same moment, six rounds: one is held a round, the rest
    refused as insufficient; no wallet goes below zero."""
    tenant, owner = _funded(context, "s", ROUNDS)
    balances = [_fen(wallets.wallet(context, owner, f"s{n}").balance) for n in range(ROUNDS)]
    amounts = [format_minor(balance // 2 + 1, 2) for balance in balances]
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, attack_workers.spend_rounds, (url, secret, tenant, amounts))
    per_round = attack_workers.THREADS
    for round_ in range(ROUNDS):
        answers = sorted(
            answer
            for process in outcomes
            for answer in process[round_ * per_round : (round_ + 1) * per_round]
        )
        assert answers == ["insufficient"] * (PROCESSES * per_round - 1) + ["ok"], answers
        wallet = wallets.wallet(context, owner, f"s{round_}")
        amount = _fen(amounts[round_])
        assert _fen(wallet.balance) == balances[round_] - amount >= 0
        assert _fen(wallet.withdrawing) == amount
    report = query(context, lambda connection: audit.audit_tenant(connection, tenant, False))
    assert report.differences == []


class _Hostile:
    """A webhook receiver on a socket of its own that answers as an attacker would:
    `flood` (a 500 whose body never ends: bytes as fast as they are taken) or `drip`
    (a 200 whose body comes one byte at a time, each just inside the read timeout) or
    `stall` (its status line and headers a byte at a time).
    It counts what it sent and stops after `seconds`."""

    def __init__(self, how: str, seconds: float) -> None:
        self.how, self.seconds, self.sent = how, seconds, 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        ends = time.monotonic() + self.seconds
        with connection:
            connection.settimeout(self.seconds)
            try:
                connection.recv(65536)  # the request (small: one event)
                if self.how == "flood":
                    connection.sendall(b"HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\n\r\n")
                    chunk = b"x" * 65536
                    while time.monotonic() < ends:
                        connection.sendall(chunk)
                        self.sent += len(chunk)
                elif self.how == "stall":  # the status line itself, a byte at a time
                    for byte in b"HTTP/1.1 200 OK\r\nX-" + b"a" * 16000:
                        if time.monotonic() > ends:
                            break
                        connection.sendall(bytes([byte]))
                        self.sent += 1
                        time.sleep(0.4)
                else:
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
                    while time.monotonic() < ends:
                        connection.sendall(b"x")
                        self.sent += 1
                        time.sleep(0.4)
            except OSError:  # the dispatcher hung up: what a receiver should see
                pass

    def close(self) -> None:
        self.server.close()
        self.thread.join(timeout=self.seconds + 5)


def _allowing_private(context: Context) -> Context:
    """The context with private addresses allowed (the receiver is on this machine) and
    an attempt's limit of 1 second."""
    settings = context.settings.model_copy(
        update={"webhook_private_targets": True, "webhook_timeout_seconds": 1}
    )
    return replace(context, settings=settings)


def _dispatch_to(receiver: _Hostile, api: Api, context: Context) -> tuple[DispatchReport, float]:
    """Subscribe the receiver to every event, make one (a member joins) and dispatch it:
    the report, and the seconds it took."""
    allowing = _allowing_private(context)
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    url = f"http://127.0.0.1:{receiver.port}/hooks"
    try:
        webhooks.create_subscription(allowing, owner, SubscriptionIn(url=url, event_types=["*"]))
        api.member("m1")
        started = time.monotonic()
        report = dispatch(allowing, api.tenant)
        return report, time.monotonic() - started
    finally:
        receiver.close()


@sqlite_only
@pytest.mark.parametrize("how", ["flood", "drip"])
def test_a_hostile_webhook_receiver_holds_the_dispatcher_for_one_timeout(
    api: Api, context: Context, how: str
) -> None:
    """A receiver is an address an operator chose: its answer is read only as far as the
    attempt needs (its status, and an excerpt of a refusal), within the attempt's time
    limit. Before, the whole body was read, however large (a never-ending 500 filled
    the server's memory) and however slowly it came (one byte a second held the
    dispatcher, and every tenant's deliveries behind it, as long as the receiver
    liked)."""
    receiver = _Hostile(how, seconds=12)
    report, took = _dispatch_to(receiver, api, context)
    # the 500 is a refusal; the 200 is the receiver's word that it has the event
    assert (report.delivered, report.failed_attempts) == ((0, 1) if how == "flood" else (1, 0))
    assert took < 4, took  # one attempt's limit (1 s), not the receiver's 12 s
    assert receiver.sent < 16 * 1024 * 1024, receiver.sent  # socket buffers, not gigabytes


@sqlite_only
def test_a_receiver_that_stalls_its_headers_is_cut_off_too(api: Api, context: Context) -> None:
    """httpx's timeouts are each read's: a status line and headers sent a byte at a
    time, each within the timeout, held the attempt until the receiver stopped (h11
    takes 16 KB of them). The attempt's limit is on the whole exchange."""
    receiver = _Hostile("stall", seconds=6)
    report, took = _dispatch_to(receiver, api, context)
    assert took < 4, took
    assert (report.delivered, report.failed_attempts) == (0, 1)  # a timeout: tried again


HOSTILE_AMOUNTS = [
    "1e3",
    "１０００",  # full-width digits: Python's Decimal would read them
    "١٠٠٠",  # Arabic-Indic digits, likewise
    "-1",
    "-0.00",
    "0",
    "0.001",
    "1.005",
    " 10.00",
    "10.00\n",
    "+10.00",
    "1_000",
    "0x10",
    "NaN",
    "Infinity",
    "92233720368547758.08",  # 2**63 fen
    "9" * 400,
    1000,
    10.5,
    True,
    None,
    ["10.00"],
    {"amount": "10.00"},
]


def test_hostile_amounts_on_the_money_routes_are_refused_naming_the_field(api: Api) -> None:
    """A withdrawal (by the integrator and by the member on their page), a subsidy and an
    order, each with an amount that is no amount of yuan: 422 naming `amount`, and
    nothing moves."""
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    page = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    before = (api.ok(api.get("/v1/members/m1/wallet")), api.ok(api.get("/v1/pools/main")))
    for amount in HOSTILE_AMOUNTS:  # one tenant for all: each refusal moves nothing
        for path, body, token in (
            ("/v1/members/m1/withdrawals", {"id": "w1", "amount": amount}, None),
            ("/v1/me/withdrawals", {"id": "w2", "amount": amount}, page),
            ("/v1/me/withdrawals/quote", {"amount": amount}, page),
            ("/v1/pools/main/subsidies", {"id": "x1", "amount": amount}, None),
            (
                "/v1/orders",
                {"id": "o2", "member": "m1", "amount": amount, "contribution": "0"},
                None,
            ),
        ):
            refused = api.post(path, body, token=token)
            assert refused.status_code == 422, (amount, path, refused.status_code, refused.text)
            assert refused.json()["field"].endswith("amount"), (amount, path, refused.text)
    assert (api.ok(api.get("/v1/members/m1/wallet")), api.ok(api.get("/v1/pools/main"))) == before
    assert api.ok(api.get("/v1/withdrawals")) == []


def test_the_same_subsidy_sale_or_agent_sent_at_the_same_instant_answers_as_a_repeat(
    context: Context,
) -> None:
    """Eighteen senders (three processes of six threads) send one subsidy, one sale of a
    member's points and one agent sale (same ids, same contents) at the same moment, six
    rounds: every one is answered as the first was (never 'exists already'), and each
    moved money once."""
    tenant, owner = _funded(context, "m", 1)
    order = NewOrder(id="o-more", member="m0", amount="1000.00", contribution="300.00")
    orders.create_order(context, owner, order)
    orders.pay(context, owner, order.id)
    wallet_before = _fen(wallets.wallet(context, owner, "m0").balance)
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, attack_workers.same_id_rounds, (url, secret, tenant))
    assert {outcome for process in outcomes for outcome in process} == {"ok"}
    paid = _fen(wallets.wallet(context, owner, "m0").balance) - wallet_before
    assert paid > 0  # six sales of 0.01 points, each paid once (checked by the ledger)
    agents = distribution.list_agents(context, owner, 100)
    assert sorted(agent.region for agent in agents) == [f"r{n}" for n in range(ROUNDS)]
    report = query(context, lambda connection: audit.audit_tenant(connection, tenant, False))
    assert report.differences == []


def test_the_last_owner_cannot_be_demoted_or_disabled(api: Api, client: TestClient) -> None:
    """Only an owner manages users, keys, the gateway and the money controls: a change
    that leaves a tenant with no enabled owner (the owner demoting or disabling itself by
    a slip, or two owners each demoting the other at the same moment) would leave it
    with nobody who can, short of the server's command line. Refused, naming the field;
    with a second owner it is allowed."""
    for change, field in (({"role": "viewer"}, "role"), ({"disabled": True}, "disabled")):
        refused = api.patch("/v1/users/owner", change)
        assert refused.status_code == 409, refused.text
        assert refused.json()["field"] == field
    assert api.ok(api.get("/v1/users"))[0] | {"created_at": None} == {
        "username": "owner",
        "role": "owner",
        "disabled": False,
        "created_at": None,
    }
    api.ok(api.post("/v1/users", {"username": "ann", "password": PASSWORD, "role": "owner"}))
    ann = login(client, api.tenant, "ann")
    # each demotes the other at the same moment: one of them stays owner
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda pair: api.patch(f"/v1/users/{pair[0]}", {"role": "viewer"}, token=pair[1]),
                [("ann", api.token), ("owner", ann)],
            )
        )
    assert sorted(answer.status_code for answer in answers) in ([200, 409], [200, 403])
    listed = [api.get("/v1/users", token=token) for token in (api.token, ann)]
    [users] = [one.json() for one in listed if one.status_code == 200]  # the owner left
    assert sorted(user["role"] for user in users) == ["owner", "viewer"]


@sqlite_only
@pytest.mark.parametrize("how", ["drip", "stall"])
def test_a_payout_gateway_answering_a_byte_at_a_time_is_cut_off(context: Context, how: str) -> None:
    """A payout gateway's answer counts within the attempt's time as a whole, as a
    webhook receiver's does: one sent a byte at a time held the payout (and the finance
    user's request) as long as it liked. Cut off, the outcome is unknown (asked again
    later, never taken as paid or failed)."""
    receiver = _Hostile(how, seconds=8)
    allowing = _allowing_private(context)
    url = f"http://127.0.0.1:{receiver.port}/pay"
    try:
        started = time.monotonic()
        result = gateway_payouts._ask(allowing, None, lambda http: http.post(url, content=b"{}"))
        took = time.monotonic() - started
    finally:
        receiver.close()
    assert took < 4, took
    assert result.outcome == Outcome.UNKNOWN, result


def test_keys_made_while_their_maker_loses_the_right_do_not_outlive_it(
    context: Context,
) -> None:
    """Three processes: one takes owner k{round}'s rights away (disabled, or made an
    operator) while two make API keys as k{round} from three threads each, at the same
    moment, six rounds. Each key is either refused (the maker was already without the
    right) or made and then revoked with the change: no key made by k{round} works."""
    from zengzhi.service import users  # noqa: PLC0415
    from zengzhi.service.users import NewUser  # noqa: PLC0415

    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    for round_ in range(ROUNDS):
        users.create_user(
            context, owner, NewUser(username=f"k{round_}", password=PASSWORD, role=Role.OWNER)
        )
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, attack_workers.keys_while_taken_rounds, (url, secret, tenant))
    assert outcomes[0] == ["ok"] * ROUNDS  # every change was made
    made = [answer for process in outcomes[1:] for answer in process]
    assert set(made) <= {"ok", "unauthorized", "forbidden"}, made
    keys = users.list_api_keys(context, owner)
    assert len(keys) == made.count("ok")
    for key in keys:
        assert key.created_by is not None and key.created_by.startswith("user:k")
        assert key.revoked_at is not None, key
