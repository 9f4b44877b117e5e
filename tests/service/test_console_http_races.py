"""The console's HTML forms posted at one instant to two server processes on one
PostgreSQL database, as two browsers would: each signed in with its session cookie,
each form with its CSRF token (the `servers` fixture's uvicorn processes; these tests
run on the worker that starts them, tests/conftest.py's XDIST_GROUPS).

Two operators approve the same withdrawal, refund the same order, save the settings
from two pages opened at once: each time exactly one applies (the audit log has one
record of it, with its own reason), the other gets a page that says it was done before
and nothing was done now (or, for the settings, that someone else saved first), never a
500, and nothing is applied twice; an approval and a rejection at once end rejected, in
one order or the other. Also the same API request (one idempotency id) sent at one
instant to two servers; a 100 MB body and amounts written "1e3" and "１０００" raced
beside a valid request (each refused at its field or its size, the valid one applied
once); and a member's withdrawals over HTTP racing the revocation of the member's page
token (none after it)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from html import unescape
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.security.payment_race_workers import notification
from tests.service.conftest import PASSWORD, SECRET, new_tenant
from zengzhi.service import members, orders, payments, pools, tenants, users, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import TenantSettings
from zengzhi.service.users import NewApiKey, NewUser, create_api_key
from zengzhi.service.wallets import WithdrawalRequest
from zengzhi.store import tables as t
from zengzhi.store.database import Database

ROUNDS = 3


class Browser:
    """One person's browser on one server: its cookies (the servers mark them Secure,
    which a browser sends to a local address and httpx's jar does not, so they are kept
    here), redirects followed as a browser follows a 303."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=60)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def _keep(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def send(self, method: str, path: str, data: Any = None) -> httpx.Response:
        """The answer, and the page a 303 leads to (`.history` has the 303)."""
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.http.request(method, path, data=data, headers={"Cookie": cookie})
        self._keep(response)
        if response.status_code == 303:
            page = self.send("GET", response.headers["location"])
            page.history = [response]
            return page
        return response

    def sign_in(self, tenant: str, username: str) -> Browser:
        form = {"tenant": tenant, "username": username, "password": PASSWORD, "next": "/console"}
        signed = self.send("POST", "/console/login", form)
        assert signed.history and signed.status_code == 200, signed.text
        found = re.search(r'name="csrf" value="([0-9a-f]{64})"', signed.text)
        assert found is not None, signed.text
        self.csrf = found.group(1)
        return self

    def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return self.send("POST", path, {**data, "csrf": self.csrf})


Send = tuple[Callable[..., httpx.Response], str, Any]


def at_once(*sends: Send) -> list[httpx.Response]:
    """Each (post, path, data) from its own thread, released at one barrier; the answers
    in order."""
    barrier = threading.Barrier(len(sends))
    answers: list[httpx.Response | None] = [None] * len(sends)

    def run(n: int) -> None:
        post, path, data = sends[n]
        barrier.wait()
        answers[n] = post(path, data)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def _json(client: httpx.Client) -> Callable[[str, Any], httpx.Response]:
    return lambda path, body: client.post(path, json=body)


@pytest.fixture
def shop(postgres_url: str) -> Any:
    """A tenant on the servers' database with a pool, members m0… with money, and a
    second staff user `fin` (finance) beside the owner: (context, tenant, owner)."""
    context = Context(
        Database(postgres_url), Settings(database_url=postgres_url, secret_key=SECRET)
    )
    tenant = new_tenant(context, "forms")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    users.create_user(context, owner, NewUser(username="fin", password=PASSWORD, role=Role.FINANCE))
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    yield context, tenant, owner
    context.database.dispose()


def _audits(context: Context, tenant: str, action: str) -> list[tuple[str, str, str | None]]:
    """(target, actor, reason) of each audit record of `action`, in commit order."""
    a = t.audit_log.c
    statement = (
        select(a.target, a.actor, a.reason)
        .where(a.tenant_id == tenant, a.action == action)
        .order_by(a.audit_id)
    )
    return query(context, lambda connection: [tuple(row) for row in connection.execute(statement)])


def _text(page: httpx.Response) -> str:
    return unescape(re.sub(r"\s+", " ", page.text))


def _held_withdrawals(context: Context, owner: Principal, prefix: str) -> None:
    """ROUNDS members, each with a held withdrawal of 10.00: members m0… with w0… (no
    prefix), or d0… with wd0… (prefix "d"); their orders and sales named alike."""
    for n in range(ROUNDS):
        member = f"{prefix or 'm'}{n}"
        members.create_member(context, owner, NewMember(id=member))
        new = NewOrder(id=f"o{prefix}{n}", member=member, amount="1000.00", contribution="300.00")
        orders.create_order(context, owner, new)
        orders.pay(context, owner, new.id)
        sale = members.SellRequest(id=f"s{prefix}{n}", points="all")
        members.sell(context, owner, member, sale)
        asked = WithdrawalRequest(id=f"w{prefix}{n}", amount="10.00")
        assert wallets.request_withdrawal(context, owner, member, asked)["status"] == "held"


def test_two_operators_approving_one_withdrawal_at_once_approve_it_once(
    servers: list[str], shop: Any
) -> None:
    context, tenant, owner = shop
    _held_withdrawals(context, owner, "")
    first = Browser(servers[0]).sign_in(tenant, "owner")
    second = Browser(servers[1]).sign_in(tenant, "fin")
    for n in range(ROUNDS):
        path = f"/console/withdrawals/w{n}/approve"
        back = {"back": "/console/withdrawals"}
        pages = at_once((first.post, path, back), (second.post, path, back))
        said = [_text(page) for page in pages]
        assert all(page.status_code == 200 and page.history for page in pages), said
        done = [f"Withdrawal w{n} approved." in text for text in said]
        before = [f"Withdrawal w{n} had been approved before" in text for text in said]
        assert sorted(done) == [False, True] and sorted(before) == [False, True], said
        assert wallets.get_withdrawal(context, owner, f"w{n}").status == "approved"
    approvals = _audits(context, tenant, "withdrawal.approved")
    assert sorted(target for target, _, _ in approvals) == [
        f"withdrawal:w{n}" for n in range(ROUNDS)
    ]


def test_two_operators_refunding_one_order_at_once_refund_it_once(
    servers: list[str], shop: Any
) -> None:
    context, tenant, owner = shop
    tenants.update_settings(context, owner, TenantSettings(completion_delay_seconds=3600))
    members.create_member(context, owner, NewMember(id="m0"))
    for n in range(ROUNDS):
        new = NewOrder(id=f"r{n}", member="m0", amount="100.00", contribution="30.00")
        orders.create_order(context, owner, new)
        assert orders.pay(context, owner, new.id).status == "paid"
    first = Browser(servers[0]).sign_in(tenant, "owner")
    second = Browser(servers[1]).sign_in(tenant, "owner")
    for n in range(ROUNDS):
        path = f"/console/orders/r{n}/refund"
        pages = at_once(
            (first.post, path, {"reason": "first's reason"}),
            (second.post, path, {"reason": "second's reason"}),
        )
        said = [_text(page) for page in pages]
        assert all(page.status_code == 200 and page.history for page in pages), said
        done = [f"Order r{n} was refunded." in text for text in said]
        before = [f"Order r{n} had been refunded before" in text for text in said]
        assert sorted(done) == [False, True] and sorted(before) == [False, True], said
        refunds = [r for r in _audits(context, tenant, "order.refunded") if r[0] == f"order:r{n}"]
        assert len(refunds) == 1, refunds
        winner = done.index(True)
        assert refunds[0][2] == ["first's reason", "second's reason"][winner], (refunds, said)
        assert orders.get_order(context, owner, f"r{n}").status == "refunded"


SETTINGS_FORM = "/console/config/settings"
STALE = "the settings were saved by someone else after this page was opened"


def _settings_form(browser: Browser) -> dict[str, str]:
    page = browser.send("GET", SETTINGS_FORM)
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text)
    return {name: unescape(value) for name, value in fields if name != "csrf"}


def test_two_stale_settings_forms_saved_at_once_save_one(servers: list[str], shop: Any) -> None:
    """Two owners open the settings page on two servers and each saves another change at
    the same instant: one is saved, the other is refused whole as stale (409, the page
    showing what is saved), and the saved settings are the one's, not a mixture."""
    context, tenant, _ = shop
    first = Browser(servers[0]).sign_in(tenant, "owner")
    second = Browser(servers[1]).sign_in(tenant, "owner")
    for n in range(ROUNDS):
        opened = [_settings_form(first), _settings_form(second)]
        assert opened[0]["shown"] == opened[1]["shown"]
        links = [
            f"https://shop.example/a{n}?m={{member}}",
            f"https://shop.example/b{n}?m={{member}}",
        ]
        minimums = [f"{n + 1}.00", f"{n + 5}.00"]
        forms = [
            opened[k] | {"member_page.referral_link": links[k], "withdrawals.minimum": minimums[k]}
            for k in range(2)
        ]
        pages = at_once(
            (first.post, SETTINGS_FORM, forms[0]), (second.post, SETTINGS_FORM, forms[1])
        )
        codes = sorted((bool(page.history), page.status_code) for page in pages)
        assert codes == [(False, 409), (True, 200)], [(p.status_code, _text(p)) for p in pages]
        winner = [bool(page.history) for page in pages].index(True)
        assert STALE in _text(pages[1 - winner])
        view = query(context, lambda connection: tenants.load_settings(connection, tenant))
        assert view.member_page.referral_link == links[winner], view
        assert view.withdrawals.minimum == minimums[winner]
    assert len(_audits(context, tenant, "settings.update")) == ROUNDS


def test_one_api_request_sent_at_once_to_two_servers_applies_once(
    servers: list[str], shop: Any
) -> None:
    """The same order, sale and withdrawal requests (each one id, one body) sent at the
    same instant to two servers: each is applied once, and both servers answer it as the
    one request (the same body)."""
    context, tenant, owner = shop
    key = create_api_key(context, owner, NewApiKey(name="shop", role=Role.OWNER)).token
    assert key is not None
    headers = {"Authorization": f"Bearer {key}"}
    clients = [httpx.Client(base_url=url, headers=headers, timeout=60) for url in servers[:2]]

    def twice(path: str, body: Any) -> list[httpx.Response]:
        return at_once(*[(_json(client), path, body) for client in clients])

    members.create_member(context, owner, NewMember(id="m0"))
    for n in range(ROUNDS):
        order = {"id": f"a{n}", "member": "m0", "amount": "1000.00", "contribution": "300.00"}
        created = twice("/v1/orders", order)
        assert sorted(r.status_code for r in created) in ([200, 201], [201, 201]), [
            r.text for r in created
        ]
        assert created[0].json() == created[1].json()
        paid = twice(f"/v1/orders/a{n}/pay", {})
        assert [r.status_code for r in paid] == [200, 200], [r.text for r in paid]
        sold = twice("/v1/members/m0/sell", {"id": f"sale{n}", "points": "10"})
        assert [r.status_code for r in sold] == [200, 200] and sold[0].json() == sold[1].json()
        held = twice("/v1/members/m0/withdrawals", {"id": f"wd{n}", "amount": "1.00"})
        assert sorted(r.status_code for r in held)[0] in (200, 201), [r.text for r in held]
        assert held[0].json() == held[1].json()
    e = t.entries.c
    kinds = query(
        context,
        lambda connection: [
            tuple(row)
            for row in connection.execute(select(e.cause, e.kind).where(e.tenant_id == tenant))
        ],
    )
    for n in range(ROUNDS):
        assert kinds.count((f"order:a{n}", "mint")) == 1
    assert len(wallets.list_withdrawals(context, owner, None, "m0", 100, None)) == ROUNDS
    for client in clients:
        client.close()


def test_a_huge_body_and_odd_amounts_raced_beside_a_valid_order_leave_it_applied_once(
    servers: list[str], shop: Any
) -> None:
    """Each round, at one instant on two servers: the valid order b{n} (1000.00), a
    100 MB body to the same address, and order b{n} again with its amount written
    "1e3" and "１０００" (full-width digits, as a Chinese keyboard types them). The
    huge body is refused as too large (413) without taking the server down; the odd
    amounts are refused at `amount` (422) or, if read as the same 1000.00, answered as
    the one order; the order is created once, paid once, and mints once."""
    context, tenant, owner = shop
    key = create_api_key(context, owner, NewApiKey(name="shop", role=Role.OWNER)).token
    assert key is not None
    headers = {"Authorization": f"Bearer {key}"}
    clients = [httpx.Client(base_url=url, headers=headers, timeout=60) for url in servers[:2]]
    huge = b'{"id": "' + b"x" * (100 * 1024 * 1024) + b'"}'
    members.create_member(context, owner, NewMember(id="m0"))

    def raw(client: httpx.Client) -> Callable[[str, Any], httpx.Response]:
        return lambda path, body: client.post(
            path, content=body, headers={"Content-Type": "application/json"}
        )

    def streamed() -> Iterator[bytes]:  # no Content-Length: chunked, 1 MB at a time
        for start in range(0, len(huge), 1024 * 1024):
            yield huge[start : start + 1024 * 1024]

    for n in range(2):
        valid = {"id": f"b{n}", "member": "m0", "amount": "1000.00", "contribution": "300.00"}
        answers = at_once(
            (_json(clients[0]), "/v1/orders", valid),
            (raw(clients[1]), "/v1/orders", huge if n == 0 else streamed()),
            (_json(clients[n % 2]), "/v1/orders", valid | {"amount": "1e3"}),
            (_json(clients[1 - n % 2]), "/v1/orders", valid | {"amount": "１０００"}),
        )
        said = [(r.status_code, r.text[:300]) for r in answers]
        assert answers[0].status_code in (200, 201), said
        assert answers[1].status_code == 413 and answers[1].json()["code"] == "too_large", said
        for odd in answers[2:]:  # the API's amounts are plain decimals (docs/service.md)
            assert odd.status_code == 422 and odd.json()["field"] == "amount", said
        paid = at_once(*[(_json(client), f"/v1/orders/b{n}/pay", {}) for client in clients])
        assert [r.status_code for r in paid] == [200, 200], [r.text for r in paid]
        order = orders.get_order(context, owner, f"b{n}")
        assert (order.amount, order.status) == ("1000.00", "completed")
    e = t.entries.c
    kinds = query(
        context,
        lambda connection: [
            tuple(row)
            for row in connection.execute(select(e.cause, e.kind).where(e.tenant_id == tenant))
        ],
    )
    assert [kinds.count((f"order:b{n}", "mint")) for n in range(2)] == [1, 1], kinds
    for client in clients:
        assert client.get("/health").status_code == 200  # both servers still answer
        client.close()


def test_one_withdrawal_approved_and_rejected_at_once_ends_rejected_in_one_order(
    servers: list[str], shop: Any
) -> None:
    """The owner approves a withdrawal on one server while finance rejects it (with a
    reason) on the other, at one instant. A rejection may follow an approval, but an
    approval never follows a rejection: the withdrawal ends rejected, its amount back in
    the wallet, and either both pages say done (the audit log: approved, then rejected)
    or the approval's page is a refusal naming the status (409, not a 500, not a page
    saying it was done) and the log has the rejection alone."""
    context, tenant, owner = shop
    _held_withdrawals(context, owner, "d")
    first = Browser(servers[0]).sign_in(tenant, "owner")
    second = Browser(servers[1]).sign_in(tenant, "fin")
    for n in range(ROUNDS):
        before = wallets.wallet(context, owner, f"d{n}")
        back = {"back": "/console/withdrawals"}
        approval, rejection = at_once(
            (first.post, f"/console/withdrawals/wd{n}/approve", back),
            (second.post, f"/console/withdrawals/wd{n}/reject", back | {"reason": "重复申请"}),
        )
        said = [(page.status_code, _text(page)[-600:]) for page in (approval, rejection)]
        assert wallets.get_withdrawal(context, owner, f"wd{n}").status == "rejected", said
        assert rejection.history and f"Withdrawal wd{n} rejected" in _text(rejection), said
        decided = [
            action
            for _, action, target in sorted(
                (audit_id, action, target)
                for action in ("withdrawal.approved", "withdrawal.rejected")
                for audit_id, target in _numbered(context, tenant, action)
            )
            if target == f"withdrawal:wd{n}"
        ]
        if approval.history:
            assert f"Withdrawal wd{n} approved." in _text(approval), said
            assert decided == ["withdrawal.approved", "withdrawal.rejected"], said
        else:
            assert approval.status_code == 409, said
            assert f"withdrawal 'wd{n}' is rejected" in _text(approval), said
            assert decided == ["withdrawal.rejected"], said
        after = wallets.wallet(context, owner, f"d{n}")
        assert Decimal(after.balance) == Decimal(before.balance) + Decimal("10.00"), said


def _numbered(context: Context, tenant: str, action: str) -> list[tuple[int, str]]:
    """(audit number, target) of each audit record of `action`."""
    a = t.audit_log.c
    statement = select(a.audit_id, a.target).where(a.tenant_id == tenant, a.action == action)
    return query(context, lambda connection: [tuple(row) for row in connection.execute(statement)])


def test_withdrawals_on_the_member_api_racing_the_tokens_revocation_stop_at_it(
    servers: list[str], shop: Any
) -> None:
    """Each round, over HTTP: the member's app withdraws 1.00 again and again with its
    page token on one server (`POST /v1/me/withdrawals`) while the shop revokes the
    member's tokens on another (`DELETE /v1/members/{id}/page-tokens`) and, once that
    has returned, tries the token itself. Accepted until one is refused (401), none
    after; the shop's try refused; every withdrawal accepted committed before the
    revocation (the audit numbering is the commit order: docs/security.md)."""
    context, tenant, owner = shop
    key = create_api_key(context, owner, NewApiKey(name="shop", role=Role.OWNER)).token
    assert key is not None
    shop_api = httpx.Client(
        base_url=servers[1], headers={"Authorization": f"Bearer {key}"}, timeout=60
    )
    app = httpx.Client(base_url=servers[0], timeout=60)
    for n in range(ROUNDS):
        member = f"t{n}"
        members.create_member(context, owner, NewMember(id=member))
        new = NewOrder(id=f"ot{n}", member=member, amount="1000.00", contribution="300.00")
        orders.create_order(context, owner, new)
        orders.pay(context, owner, new.id)
        members.sell(context, owner, member, members.SellRequest(id=f"st{n}", points="all"))
    for n in range(ROUNDS):
        member = f"t{n}"
        issued = shop_api.post(f"/v1/members/{member}/page-token", json={})
        assert issued.status_code == 201, issued.text
        page, shop_said = _withdrawing_while_revoked(app, shop_api, member, issued.json()["token"])
        assert shop_said == [200, 401], shop_said
        assert page[-1] == 401 and set(page[:-1]) <= {201}, page
        held = wallets.list_withdrawals(context, owner, None, member, 100, None)
        assert len(held) == len(page) - 1, (page, held)
        revoked = [
            audit
            for audit, target in _numbered(context, tenant, "member.page_tokens.revoke")
            if target == f"member:{member}"
        ]
        requested = {target: a for a, target in _numbered(context, tenant, "withdrawal.request")}
        for withdrawal in held:
            assert requested[f"withdrawal:{withdrawal.id}"] < revoked[-1], (page, withdrawal)
    shop_api.close()
    app.close()


def _withdrawing_while_revoked(
    app: httpx.Client, shop_api: httpx.Client, member: str, token: str
) -> tuple[list[int], list[int]]:
    """At one instant: the app's withdrawals with `token` until one is refused, and the
    shop's revocation followed by its own try of the token (on the shop's server): the
    statuses each got, in order."""
    bearer = {"Authorization": f"Bearer {token}"}
    page: list[int] = []
    shop_said: list[int] = []
    barrier = threading.Barrier(2)

    def withdraw_until_refused() -> None:
        barrier.wait()
        for attempt in range(60):
            body = {"id": f"{member}-{attempt}", "amount": "1.00"}
            page.append(app.post("/v1/me/withdrawals", json=body, headers=bearer).status_code)
            if page[-1] != 201:
                return

    def revoke_then_try() -> None:
        barrier.wait()
        shop_said.append(shop_api.delete(f"/v1/members/{member}/page-tokens").status_code)
        body = {"id": f"after-{member}", "amount": "1.00"}
        tried = shop_api.post("/v1/me/withdrawals", json=body, headers=bearer)
        shop_said.append(tried.status_code)

    threads = [threading.Thread(target=run) for run in (withdraw_until_refused, revoke_then_try)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return page, shop_said


def test_one_subsidy_form_sent_to_two_servers_at_once_puts_the_money_in_once(
    servers: list[str], shop: Any
) -> None:
    """The pools page's subsidy form (its own id) sent at one instant to two servers,
    as a double click a proxy spread over two servers would: one page says the subsidy
    was put in, the other that the form had been applied already; one subsidy entry
    for each form."""
    context, tenant, _ = shop
    first = Browser(servers[0]).sign_in(tenant, "owner")
    second = Browser(servers[1]).sign_in(tenant, "owner")
    for n in range(ROUNDS):
        form = {"id": f"console-sub{n}", "amount": "100.00", "reason": "活动补贴"}
        path = "/console/pools/main/subsidy"
        pages = at_once((first.post, path, form), (second.post, path, form))
        said = [_text(page) for page in pages]
        assert all(page.status_code == 200 and page.history for page in pages), said
        done = ["Subsidy of" in text and "put into pool main" in text for text in said]
        again = ["This form had already been sent and was applied then" in text for text in said]
        assert sorted(done) == [False, True] and sorted(again) == [False, True], said
    e = t.entries.c
    statement = select(e.cause).where(e.tenant_id == tenant, e.kind == "subsidy")
    causes = query(context, lambda connection: list(connection.execute(statement).scalars()))
    assert len(causes) == ROUNDS and len(set(causes)) == ROUNDS, causes


def test_two_operators_pausing_one_pool_at_once_pause_it_once(
    servers: list[str], shop: Any
) -> None:
    """Two operators press 暂停发放 (then 恢复发放) for one pool at one instant: one page
    says it was done, the other that someone else did it since the page was shown (409,
    nothing done); one audit record each time, with the winner's reason. The page read
    the pool, then paused it: both read it running, both paused it and were told so, and
    the audit log had the pause twice."""
    context, tenant, owner = shop
    first = Browser(servers[0]).sign_in(tenant, "owner")
    second = Browser(servers[1]).sign_in(tenant, "owner")
    for n in range(ROUNDS):
        for action, done_text in (("pause", "paused"), ("resume", "resumed")):
            path = f"/console/pools/main/{action}"
            pages = at_once(
                (first.post, path, {"reason": f"first {n}"}),
                (second.post, path, {"reason": f"second {n}"}),
            )
            said = [_text(page) for page in pages]
            done = [f"Minting {done_text} in pool main." in text for text in said]
            stale = [page.status_code == 409 and "since this page was shown" in text
                     for page, text in zip(pages, said, strict=True)]  # fmt: skip
            assert sorted(done) == [False, True] and sorted(stale) == [False, True], said
            records = _audits(context, tenant, f"pool.{action}")
            assert len(records) == n + 1, records
            assert records[-1][2] == [f"first {n}", f"second {n}"][done.index(True)]
    assert pools.get_pool(context, owner, "main").params["minting_enabled"] is True


def test_two_operators_recording_one_return_to_the_buyer_at_once_record_it_once(
    servers: list[str], shop: Any
) -> None:
    """Orders cancelled, then paid at the gateway (owed back to the buyer); two operators
    on two servers record at the same instant that the buyer was refunded: one is told it
    is recorded, the other that it had been before and its note was not kept; one audit
    record, with the note of the one told it did it."""
    context, tenant, owner = shop
    members.create_member(context, owner, NewMember(id="m0"))
    adapter = payments.AdapterIn(adapter="webhook", payout_url="https://pay.example/payouts")
    secret = payments.put_adapter(context, owner, adapter).secret
    assert secret is not None
    for n in range(ROUNDS):
        new = NewOrder(id=f"p{n}", member="m0", amount="500.00", contribution="150.00")
        orders.create_order(context, owner, new)
        orders.cancel(context, owner, new.id)
        payments.receive(context, tenant, *notification(new.id, secret))
    first = Browser(servers[0]).sign_in(tenant, "owner")
    second = Browser(servers[1]).sign_in(tenant, "owner")
    for n in range(ROUNDS):
        path = f"/console/orders/p{n}/owed-back/returned"
        pages = at_once(
            (first.post, path, {"note": "first's note"}),
            (second.post, path, {"note": "second's note"}),
        )
        said = [_text(page) for page in pages]
        assert all(page.status_code == 200 and page.history for page in pages), said
        done = [
            f"Order p{n}: what was owed back was recorded as returned to the buyer." in text
            for text in said
        ]
        before = [
            f"Order p{n}: what was owed back had been recorded as returned before" in text
            for text in said
        ]
        assert sorted(done) == [False, True] and sorted(before) == [False, True], said
        returns = [
            r for r in _audits(context, tenant, "order.owed_back_returned") if r[0] == f"order:p{n}"
        ]
        winner = done.index(True)
        assert [r[2] for r in returns] == [["first's note", "second's note"][winner]], returns
