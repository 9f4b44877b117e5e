"""A property of payouts through WeChat Pay and Alipay, over random histories of what
the gateway does (pays, refuses, leaves pending, is unreachable, loses its answer) and
what finance does (sends, sends again, reconciles): the payee is never paid twice; a
withdrawal is `paid` exactly when the gateway paid it; one `approved` again was not paid;
and once the gateway works, every withdrawal ends paid once with the books balanced.
On SQLite and PostgreSQL."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.histories import through_the_service
from tests.service.conftest import Api, Clock, login, new_tenant
from tests.service.fake_gateways import FakeAlipay, FakeWechat, LosingTransport
from tests.service.test_gateway_adapters import (
    ALIPAY_ACCOUNT,
    OPENID,
    a_withdrawal,
    alipay,
    books_balance,
    owner,
    wechat,
)
from zengzhi.core.errors import DomainError
from zengzhi.service import gateway_payouts
from zengzhi.service.base import Context

SEND = st.tuples(
    st.just("send"),
    st.sampled_from(["pay", "fail", "pending"]),  # what the gateway does with a transfer
    st.sampled_from(["ok", "ok", "lost", "down"]),  # what becomes of the request
)
RECONCILE = st.tuples(st.just("reconcile"), st.just(""), st.sampled_from(["ok", "down"]))
CONFIRM = st.tuples(st.just("confirm"), st.sampled_from(["SUCCESS", "FAIL"]), st.just(""))
STEPS = st.lists(st.one_of(SEND, RECONCILE, CONFIRM), min_size=3, max_size=12)


def status(api: Api) -> str:
    return str(api.ok(api.get("/v1/withdrawals/w1"))["status"])


def holds(api: Api, fake: FakeWechat | FakeAlipay) -> None:
    paid = len(fake.paid())
    assert paid <= 1, "paid twice"
    now = status(api)
    if now == "paid":
        assert paid == 1
    if now == "approved":
        assert paid == 0, "approved again although the gateway paid"
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    assert (wallet["balance"], wallet["withdrawing"]) == (
        ("600.00", "0.00") if now == "paid" else ("600.00", "1000.00")
    )


def act(
    api: Api,
    context: Context,
    fake: FakeWechat | FakeAlipay,
    transport: LosingTransport,
    client: object,
    step: tuple[str, str, str],
) -> None:
    kind, what, mode = step
    transport.mode = mode or "ok"
    try:
        if kind == "send":
            fake.next = what
            gateway_payouts.request_payout(context, owner(api), "w1", client)  # type: ignore[arg-type]
        elif kind == "reconcile":
            gateway_payouts.reconcile(context, owner(api), "w1", client)  # type: ignore[arg-type]
        else:  # the payee confirms (WeChat) or the transfer ends while still moving
            for transfer in fake.transfers.values():
                if transfer.state in {"WAIT_USER_CONFIRM", "DEALING"}:
                    fake.settle(transfer.out_no, what)
    except DomainError as error:  # sending what is paid, reconciling what was never sent
        assert error.field in {"status", "withdrawal"}, error


@through_the_service(max_examples=6)
@given(gateway=st.sampled_from(["wechat", "alipay"]), steps=STEPS)
def test_a_payout_is_never_paid_twice_nor_lost(
    api: Api, clock: Clock, context: Context, gateway: str, steps: list[tuple[str, str, str]]
) -> None:
    tenant = new_tenant(context)  # one tenant per example
    shop = Api(api.client, tenant, login(api.client, tenant))
    fake, transport, client = wechat(shop, clock) if gateway == "wechat" else alipay(shop, clock)
    a_withdrawal(shop, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    for step in steps:
        act(shop, context, fake, transport, client, step)
        holds(shop, fake)
    # the gateway works again and the payee confirms: it ends paid, once
    for _ in range(4):
        now = status(shop)
        if now == "paid":
            break
        act(shop, context, fake, transport, client, ("confirm", "SUCCESS", ""))
        step = ("send", "pay", "ok") if now == "approved" else ("reconcile", "", "ok")
        act(shop, context, fake, transport, client, step)
        holds(shop, fake)
    assert status(shop) == "paid" and len(fake.paid()) == 1
    books_balance(shop, context)
