"""A property of payouts through WeChat Pay and Alipay, over random histories of what
the gateway does (pays, refuses, leaves pending, is unreachable, loses its answer) and
what finance does (sends, sends again, reconciles, rejects, withdraws a WeChat Pay
transfer not confirmed yet, which WeChat Pay ends at once or later): the payee is never paid
twice; a withdrawal is `paid` exactly when the gateway paid it, and one `approved` again
or `rejected` was not paid — but for the time between a request arriving late (after the
gateway had said it never came) and the service asking again; and once the gateway
works, every withdrawal ends paid once, or rejected and unpaid, and what the member holds
(wallet, held, paid out, less debts) is what they had, with the books balanced. On SQLite
and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.histories import through_the_service
from tests.service.conftest import Api, Clock, login, new_tenant
from tests.service.fake_gateways import FakeAlipay, FakeWechat, LosingTransport, package_of
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
    st.sampled_from(["ok", "lost", "down", "late"]),  # what becomes of the request
)
RECONCILE = st.tuples(st.just("reconcile"), st.just(""), st.sampled_from(["ok", "ok", "down"]))
CONFIRM = st.tuples(st.just("confirm"), st.sampled_from(["SUCCESS", "FAIL"]), st.just(""))
REJECT = st.tuples(st.just("reject"), st.just(""), st.just(""))
ARRIVE = st.tuples(st.just("arrive"), st.just(""), st.just(""))  # requests on their way land
# finance withdraws the transfer (撤销转账): WeChat Pay ends it at once or later
CANCEL = st.tuples(
    st.just("cancel"),
    st.sampled_from(["CANCELLED", "CANCELING"]),
    st.sampled_from(["ok", "ok", "lost", "down", "late"]),
)
# finance's likeliest mistake, as one story the lists draw often enough to matter: the
# request is slow, the gateway says it never came, finance rejects, and (later, or never)
# it arrives
RUSHED = st.tuples(
    st.tuples(st.just("send"), st.sampled_from(["pay", "pending"]), st.just("late")),
    st.just(("reconcile", "", "ok")),
    REJECT,
)
STEPS = st.lists(
    st.one_of(
        st.one_of(SEND, RECONCILE, CONFIRM, REJECT, ARRIVE, CANCEL).map(lambda step: (step,)),
        RUSHED,
    ),
    min_size=3,
    max_size=10,
).map(lambda stories: [step for story in stories for step in story])


def status(api: Api) -> str:
    return str(api.ok(api.get("/v1/withdrawals/w1"))["status"])


def holds(api: Api, fake: FakeWechat | FakeAlipay, unasked: bool) -> None:
    """`unasked`: a request may have reached the gateway since the service last asked."""
    paid = len(fake.paid())
    assert paid <= 1, "paid twice"
    now = status(api)
    if now == "paid":
        assert paid == 1
    if now in {"approved", "rejected"} and not unasked:
        assert paid == 0, f"{now} although the gateway paid"
    payout = api.get("/v1/withdrawals/w1/payout")
    package = payout.json().get("package_info") if payout.status_code == 200 else None
    if package is not None:  # what the payee's app confirms with: this number's, while it waits
        assert payout.json()["outcome"] == "pending" and now != "paid", payout.json()
        assert package == package_of(payout.json()["out_no"]), "a spent number's package"
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    held = (wallet["balance"], wallet["withdrawing"], wallet["debt"])
    if now == "paid":
        assert held == ("600.00", "0.00", "0.00")
    elif now == "rejected":
        assert held == ("1600.00", "0.00", "0.00")
    else:
        assert held == ("600.00", "1000.00", "0.00")


def _moving(fake: FakeWechat | FakeAlipay) -> bool:
    return any(one.state in {"WAIT_USER_CONFIRM", "DEALING"} for one in fake.transfers.values())


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
        elif kind == "reject":
            # refused (409) while paying or paid
            api.post("/v1/withdrawals/w1/reject", {"reason": "test"})
        elif kind == "arrive":
            transport.arrive()
        elif kind == "cancel":
            if isinstance(fake, FakeWechat):
                fake.cancelled_as = what
            gateway_payouts.cancel(context, owner(api), "w1", client)  # type: ignore[arg-type]
        else:  # the payee confirms (WeChat) or the transfer ends while still moving
            for transfer in fake.transfers.values():
                if transfer.state in {"WAIT_USER_CONFIRM", "DEALING"}:
                    fake.settle(transfer.out_no, what)
                elif transfer.state == "CANCELING":  # WeChat Pay has taken it back
                    fake.settle(transfer.out_no, "CANCELLED")
    except DomainError as error:  # sending what is paid, reconciling what was never sent,
        # withdrawing what is not moving, an Alipay transfer, or the gateway unreachable
        allowed = {"status", "withdrawal"} | ({"adapter"} if kind == "cancel" else set())
        assert error.field in allowed, error


@through_the_service(max_examples=6)
@given(gateway=st.sampled_from(["wechat", "alipay"]), steps=STEPS)
def test_a_payout_is_never_paid_twice_nor_lost(
    api: Api, clock: Clock, context: Context, gateway: str, steps: list[tuple[str, str, str]]
) -> None:
    tenant = new_tenant(context)  # one tenant per example
    shop = Api(api.client, tenant, login(api.client, tenant))
    fake, transport, client = wechat(shop, clock) if gateway == "wechat" else alipay(shop, clock)
    a_withdrawal(shop, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    unasked = False
    for step in steps:
        unasked = unasked or (step[0] == "arrive" and bool(transport.on_the_way))
        # a transfer the gateway holds, settled now: paid without the service asking (a
        # rejected withdrawal's, still moving, is paid and taken back at the next question:
        # found unseeded at 10 x, where this step's check expected it known at once)
        unasked = unasked or (step[0] == "confirm" and _moving(fake))
        act(shop, context, fake, transport, client, step)
        if step[0] == "reconcile" and step[2] == "ok":
            unasked = False  # the gateway's answer came back, and was recorded
        holds(shop, fake, unasked)
    # every request lands, the gateway works again and the payee confirms: it ends paid
    # once, or rejected and never paid
    act(shop, context, fake, transport, client, ("arrive", "", ""))
    for _ in range(4):
        now = status(shop)
        if now == "paid":
            break
        act(shop, context, fake, transport, client, ("confirm", "SUCCESS", ""))
        step = ("send", "pay", "ok") if now == "approved" else ("reconcile", "", "ok")
        act(shop, context, fake, transport, client, step)
    now = status(shop)
    assert (now, len(fake.paid())) in {("paid", 1), ("rejected", 0)}
    wallet = shop.ok(shop.get("/v1/members/m1/wallet"))
    received = 1000 if now == "paid" else 0  # the fee is 0 here
    total = Decimal(wallet["balance"]) + Decimal(wallet["withdrawing"]) - Decimal(wallet["debt"])
    assert total + received == 1600, "the member's money is not what they had"
    books_balance(shop, context)
