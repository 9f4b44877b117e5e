"""A withdrawal's steps asked for at the same instant (threads meeting at a barrier,
each in its own transaction; on PostgreSQL they truly overlap): finance rejecting while
the gateway says paid or a ticker queries it, two finance users deciding one
withdrawal, a member asking twice for more than the wallet holds, the funding order
reversed while the withdrawal waits or is at the gateway, one notification delivered
twice at once. Whatever the order the database puts them in, each answer is a success
or a refusal naming its field, nothing is paid twice, the books balance and replay, and
what the member holds (wallet, held, paid out, less debts) is what they earned."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.service.conftest import Api, Clock
from tests.service.fake_gateways import FakeWechat
from tests.service.test_gateway_adapters import (
    OPENID,
    a_withdrawal,
    books_balance,
    owner,
    transfer_finished,
    wechat,
)
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.core.errors import DomainError
from zengzhi.core.lifecycles import ORDER, RUN, WITHDRAWAL
from zengzhi.i18n import translate_message
from zengzhi.service import gateway_payouts, orders, payments, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.wallets import WithdrawalDecision, WithdrawalRequest

FIELDS = {"status", "withdrawal", "amount", "id"}
# m1's wallet, held and debt once w1 (1,000.00 of 1,600.00, no fee) is paid, or held
PAID = (Decimal(600), Decimal(0), Decimal(0))
HELD = (Decimal(600), Decimal(1000), Decimal(0))


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Each call in a thread of its own, started together; what each returned, or the
    DomainError it raised (anything else fails the test)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = calls[n]()
        except DomainError as error:
            results[n] = error
        except BaseException as error:  # reported below, with its type
            results[n] = AssertionError(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        assert not isinstance(result, AssertionError), result
        if isinstance(result, DomainError):
            assert result.field in FIELDS, (result.code, result.field, result.message)
    return results


def finance(api: Api, name: str) -> Principal:
    return Principal(api.tenant, f"user:{name}", Role.FINANCE)


def holds(api: Api, member: str = "m1") -> tuple[Decimal, Decimal, Decimal]:
    found = api.ok(api.get(f"/v1/members/{member}/wallet"))
    return Decimal(found["balance"]), Decimal(found["withdrawing"]), Decimal(found["debt"])


def paid_out(api: Api, member: str = "m1") -> Decimal:
    listed = api.ok(api.get("/v1/withdrawals", member=member))
    return sum((Decimal(one["amount"]) for one in listed if one["status"] == "paid"), Decimal(0))


def the_member_keeps(api: Api, context: Context, earned: str) -> None:
    wallet, held, debt = holds(api)
    assert wallet + held + paid_out(api) - debt == Decimal(earned), (wallet, held, debt)
    books_balance(api, context)


def status(api: Api, withdrawal: str = "w1") -> str:
    return str(api.ok(api.get(f"/v1/withdrawals/{withdrawal}"))["status"])


# ---------------------------------------------------------------------------- finance


@pytest.mark.parametrize(
    "steps",
    [("approve", "reject"), ("reject", "mark_paid"), ("approve", "approve", "mark_paid")],
)
def test_finance_users_deciding_one_withdrawal_at_once(
    api: Api, context: Context, steps: tuple[str, ...]
) -> None:
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    if "mark_paid" in steps and "approve" not in steps:
        api.ok(api.post("/v1/withdrawals/w1/approve"))

    def step(name: str, who: str) -> Callable[[], Any]:
        user = finance(api, who)
        if name == "approve":
            return lambda: wallets.approve(context, user, "w1")
        if name == "reject":
            return lambda: wallets.reject(context, user, "w1", WithdrawalDecision(reason="test"))
        return lambda: wallets.mark_paid(context, user, "w1")

    results = at_once(*(step(name, f"f{n}") for n, name in enumerate(steps)))
    now = status(api)
    for result in results:
        if isinstance(result, DomainError):
            assert (result.code, result.field) == ("conflict", "status"), result
        else:  # a success answers the withdrawal as it stood after that step
            assert result.status in {"approved", "rejected", "paid"}
    assert now in {"approved", "rejected", "paid"}
    wallet, held, debt = holds(api)
    assert (wallet, held, debt) == {
        "approved": HELD,
        "rejected": (Decimal(1600), Decimal(0), Decimal(0)),
        "paid": PAID,
    }[now]
    the_member_keeps(api, context, "1600.00")


def test_two_withdrawals_that_together_exceed_the_wallet(api: Api, context: Context) -> None:
    a_member_with_money(api)  # 1600.00
    member = owner(api)
    results = at_once(
        *(
            (
                lambda n=n: wallets.request_withdrawal(
                    context, member, "m1", WithdrawalRequest(id=f"w{n}", amount="1000.00")
                )
            )
            for n in (1, 2)
        )
    )
    refused = [one for one in results if isinstance(one, DomainError)]
    assert len(refused) == 1 and (refused[0].code, refused[0].field) == (
        "insufficient",
        "amount",
    )
    assert holds(api) == HELD
    the_member_keeps(api, context, "1600.00")


# ---------------------------------------------------------------------------- gateway


def _never_arrived_then_approved(api: Api, clock: Clock, context: Context) -> Any:
    """w1 sent to WeChat Pay, the request slow on its way; the ticker is told it never
    arrived, so w1 is approved again (the number kept). Returns the fake and transport."""
    fake, transport, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    transport.mode = "late"
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paying"
    transport.mode = "ok"
    clock.advance(minutes=2)
    assert gateway_payouts.reconcile(context, owner(api), "w1", client).status == "approved"
    return fake, transport, client


def test_a_rejection_and_the_gateways_paid_at_once(
    api: Api, clock: Clock, context: Context
) -> None:
    """Finance rejects w1 as the slow request lands and WeChat Pay says paid: whichever
    is first, w1 ends paid once and the member holds what they earned."""
    fake, transport, _ = _never_arrived_then_approved(api, clock, context)
    transport.arrive()  # at the gateway: paid
    (out_no,) = fake.transfers
    assert len(fake.paid()) == 1
    body, headers = transfer_finished(fake, out_no, "EV-paid")
    rejected, notified = at_once(
        lambda: wallets.reject(
            context, finance(api, "f1"), "w1", WithdrawalDecision(reason="test")
        ),
        lambda: notify(api, context, body, headers),
    )
    assert not isinstance(notified, DomainError), notified
    if isinstance(rejected, DomainError):  # the payout came first: nothing to reject
        assert (rejected.code, rejected.field) == ("conflict", "status")
    # rejected first, the amount returned to the wallet is taken back: as if paid
    assert status(api) == "paid" and holds(api) == PAID
    the_member_keeps(api, context, "1600.00")


def test_a_rejection_and_a_reconcile_at_once(api: Api, clock: Clock, context: Context) -> None:
    """w1 is `paying` and its request never arrived; finance rejects it as a ticker
    queries it. The rejection is refused while it is `paying`, or applies once the
    query put it back to approved."""
    fake, transport, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    transport.mode = "down"
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paying"
    transport.mode = "ok"
    clock.advance(minutes=2)
    rejected, checked = at_once(
        lambda: wallets.reject(
            context, finance(api, "f1"), "w1", WithdrawalDecision(reason="test")
        ),
        lambda: gateway_payouts.reconcile(context, owner(api), "w1", client),
    )
    assert not isinstance(checked, DomainError), checked
    if isinstance(rejected, DomainError):
        assert (rejected.code, rejected.field) == ("conflict", "status")
        assert status(api) == "approved"
    else:
        assert status(api) == "rejected"
    assert fake.paid() == []
    the_member_keeps(api, context, "1600.00")


def notify(api: Api, context: Context, body: bytes, headers: Any) -> Any:
    """A gateway's notification taken as the route takes it (header names in lower case)."""
    lower = {key.lower(): value for key, value in headers.items()}
    return payments.receive(context, api.tenant, lower, body)


def transfer_failed(api: Api, context: Context, fake: FakeWechat, out_no: str) -> Any:
    """WeChat Pay's notification that the transfer `out_no` failed, taken."""
    return notify(api, context, *transfer_finished(fake, out_no, failed=True))


def notified_twice_beside_a_query(
    api: Api, context: Context, fake: FakeWechat, client: httpx.Client, out_no: str, same_id: bool
) -> None:
    """WeChat Pay's "paid" of `out_no` twice at one instant (the same notification id, or
    a new one for the same transfer) beside a query: w1 paid once, the member whole."""
    copies = [transfer_finished(fake, out_no, "EV-1" if same_id else f"EV-{n}") for n in (1, 2)]
    results = at_once(
        *(
            (lambda body=body, headers=headers: notify(api, context, body, headers))
            for body, headers in copies
        ),
        lambda: gateway_payouts.reconcile(context, owner(api), "w1", client),
    )
    assert not any(isinstance(one, DomainError) for one in results), results
    assert status(api) == "paid" and len(fake.paid()) == 1
    assert holds(api) == PAID
    the_member_keeps(api, context, "1600.00")


@pytest.mark.parametrize("same_id", [True, False])
def test_one_payout_notified_twice_at_once(
    api: Api, clock: Clock, context: Context, same_id: bool
) -> None:
    """WeChat Pay delivers the paid notification twice at one instant (the same id, or
    a new one for the same transfer), beside the ticker's query: applied once."""
    fake, _, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    fake.next = "pending"
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paying"
    (out_no,) = fake.transfers
    fake.settle(out_no, "SUCCESS")
    clock.advance(minutes=2)
    notified_twice_beside_a_query(api, context, fake, client, out_no, same_id)


# ---------------------------------------------------------------------------- reversal


@pytest.mark.parametrize("other", ["approve", "reject", "mark_paid", "withdraw"])
def test_the_funding_order_reversed_as_finance_decides(
    api: Api, context: Context, other: str
) -> None:
    """m1 sold o1's points (240.00 in the wallet) and asked to withdraw it all; o1 is
    reversed (the sale's cash taken back: from the wallet as far as it holds, the rest
    owed) at the instant finance approves, rejects or marks the withdrawal paid, or the
    member asks for another. Whatever came first, the member holds what they earned
    after the reversal (nothing), and never a debt beside a wallet that could settle it."""
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "200.00"}))
    if other == "mark_paid":
        api.ok(api.post("/v1/withdrawals/w1/approve"))
    user = finance(api, "f1")
    calls: dict[str, Callable[[], Any]] = {
        "approve": lambda: wallets.approve(context, user, "w1"),
        "reject": lambda: wallets.reject(context, user, "w1", WithdrawalDecision(reason="test")),
        "mark_paid": lambda: wallets.mark_paid(context, user, "w1"),
        "withdraw": lambda: wallets.request_withdrawal(
            context, owner(api), "m1", WithdrawalRequest(id="w2", amount="40.00")
        ),
    }
    reversed_, decided = at_once(lambda: orders.reverse(context, owner(api), "o1"), calls[other])
    assert not isinstance(reversed_, DomainError), reversed_
    if isinstance(decided, DomainError):  # the debt came first
        assert decided.field in {"withdrawal", "amount"}, decided
    wallet, _, debt = holds(api)
    assert not (wallet > 0 and debt > 0), "a debt beside a wallet that could settle it"
    the_member_keeps(api, context, "0.00")


# ---------------------------------------------------------------------------- by hand


def test_not_marked_paid_by_hand_while_a_request_the_gateway_never_saw_may_land(
    api: Api, clock: Clock, context: Context
) -> None:
    """WeChat Pay said w1's request never arrived, so w1 is approved again with its
    number kept (a re-send is the same payout). Finance paid it outside and marked it
    paid; the slow request then landed and WeChat Pay paid it too: paid twice, and the
    gateway's "paid" found w1 paid already, so the second payment was booked nowhere.
    Marking it paid by hand is refused, naming the status, while the number may still
    be paid; re-sent, it is paid once."""
    fake, transport, client = _never_arrived_then_approved(api, clock, context)
    with pytest.raises(DomainError) as refused:
        wallets.mark_paid(context, finance(api, "f1"), "w1")
    assert (refused.value.code, refused.value.field) == ("conflict", "status")
    assert "send it again" in refused.value.message
    transport.arrive()  # the slow request lands: paid
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paid"
    assert len(fake.paid()) == 1 and holds(api) == PAID
    the_member_keeps(api, context, "1600.00")


def test_marked_paid_by_hand_once_the_gateway_refused_the_number(
    api: Api, clock: Clock, context: Context
) -> None:
    """A payout the gateway refused for good spends its number: finance may pay w1
    outside and mark it paid."""
    fake, _, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    fake.next = "fail"
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == ("approved")
    assert wallets.mark_paid(context, finance(api, "f1"), "w1").status == "paid"
    assert fake.paid() == [] and holds(api) == PAID
    the_member_keeps(api, context, "1600.00")


def test_a_transfer_failed_by_notification_is_sent_again_under_a_new_number(
    api: Api, clock: Clock, context: Context
) -> None:
    """WeChat Pay's notification that w1's transfer failed put w1 back to approved but
    left its payout `pending`, so a re-send used the spent number again: WeChat Pay
    answered with that failed transfer, and w1 could never be paid through it. (Nor,
    now, by hand: the number looked alive.) The failure spends the number."""
    fake, _, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    fake.next = "pending"
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paying"
    (out_no,) = fake.transfers
    fake.settle(out_no, "FAIL")
    accepted = transfer_failed(api, context, fake, out_no)
    assert accepted.status == "approved"
    assert gateway_payouts.get_payout(context, owner(api), "w1").outcome == "failed"
    fake.next = "pay"
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paid"
    assert len(fake.transfers) == 2 and len(fake.paid()) == 1
    assert holds(api) == PAID
    the_member_keeps(api, context, "1600.00")


# ---------------------------------------------------------------------------- payee


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_payee_changed_as_finance_approves_is_refused_or_seen(
    api: Api, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An approved withdrawal is paid to the payee it was approved with (set_payee
    refuses while one is approved). Finance's approval reads the payee without its
    lock; a change between that read and the approval's commit still waits for the
    approval (it locks the member's open withdrawals) and is then refused. The
    interleaving is made by hand (on SQLite a write transaction holds the one writer's
    lock from its start)."""
    a_member_with_money(api)
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"require_payee": True}}))
    payee = {"method": "alipay", "real_name": "张三", "account": "13800000001"}
    api.ok(api.put("/v1/members/m1/payee", payee))
    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    checked, other = threading.Event(), threading.Event()
    checking = wallets.payout_problem

    def slow(*args: Any, **kwargs: Any) -> DomainError | None:
        found = checking(*args, **kwargs)
        if threading.current_thread().name == "approving":
            checked.set()
            other.wait(1)  # the payee change commits meanwhile, or waits for this
        return found

    monkeypatch.setattr(wallets, "payout_problem", slow)
    errors: list[BaseException] = []

    def approve() -> None:
        try:
            wallets.approve(context, finance(api, "f1"), "w1")
        except BaseException as error:  # kept, asserted below
            errors.append(error)

    approving = threading.Thread(target=approve, name="approving")
    approving.start()
    assert checked.wait(30)
    changed = api.put("/v1/members/m1/payee", payee | {"account": "13900000002"})
    other.set()
    approving.join(30)
    assert errors == [] and not approving.is_alive()
    assert status(api) == "approved"
    # the change came after the approval: refused, as for any approved withdrawal
    assert (changed.status_code, changed.json()["field"]) == (409, "payee"), changed.text
    assert api.ok(api.get("/v1/members/m1/payee"))["account"].endswith("0001")


def test_a_late_request_that_fails_after_the_rejection_is_taken_as_news(
    api: Api, clock: Clock, context: Context
) -> None:
    """WeChat Pay said w1's request never arrived; finance rejected w1; the request
    then landed and failed. Its notification was refused (w1 "cannot be approved"),
    so WeChat Pay sent it again and again, each copy kept as a refusal. Nothing was
    paid and nothing moves: it is accepted, w1 stays rejected, the number is spent."""
    fake, transport, _ = _never_arrived_then_approved(api, clock, context)
    wallets.reject(context, finance(api, "f1"), "w1", WithdrawalDecision(reason="test"))
    fake.next = "fail"
    transport.arrive()
    (out_no,) = fake.transfers
    accepted = transfer_failed(api, context, fake, out_no)
    assert accepted.status == "rejected"
    assert gateway_payouts.get_payout(context, owner(api), "w1").outcome == "failed"
    assert fake.paid() == [] and holds(api) == (Decimal(1600), Decimal(0), Decimal(0))
    the_member_keeps(api, context, "1600.00")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_failed_notification_for_a_number_sent_again_since_moves_nothing(
    api: Api, clock: Clock, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeChat Pay notifies that w1's transfer failed; as the notification is applied,
    a ticker's query hears the same (w1 approved again) and finance sends w1 again,
    under a new number, which WeChat Pay holds for the payee to confirm. The old
    number's failure then put the re-sent, `paying` w1 back to approved, for finance
    to reject while WeChat Pay paid it. It says nothing of the new transfer: w1 stays
    `paying`. The interleaving is made by hand (on SQLite a write transaction holds the
    one writer's lock from its start)."""
    fake, _, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    fake.next = "pending"
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paying"
    (first,) = fake.transfers
    fake.settle(first, "FAIL")
    clock.advance(minutes=2)
    looking_up = payments._paid_out  # the moment to interleave at

    def meanwhile(*args: Any) -> str:
        found = looking_up(*args)
        if not fake.transfers.keys() - {first}:  # once
            assert gateway_payouts.reconcile(context, owner(api), "w1", client).status == (
                "approved"
            )
            sent = gateway_payouts.request_payout(context, owner(api), "w1", client)
            assert sent.status == "paying"
        return found

    monkeypatch.setattr(payments, "_paid_out", meanwhile)
    accepted = transfer_failed(api, context, fake, first)
    assert accepted.status == "paying" and status(api) == "paying"
    (second,) = fake.transfers.keys() - {first}
    payout = gateway_payouts.get_payout(context, owner(api), "w1")
    assert (payout.out_no, payout.outcome) == (second, "pending")
    with pytest.raises(DomainError) as refused:  # nothing to reject: the gateway has it
        wallets.reject(context, finance(api, "f1"), "w1", WithdrawalDecision(reason="test"))
    assert refused.value.field == "status"
    fake.settle(second, "SUCCESS")
    assert gateway_payouts.reconcile(context, owner(api), "w1", client).status == "paid"
    assert len(fake.paid()) == 1 and holds(api) == PAID
    the_member_keeps(api, context, "1600.00")


@pytest.mark.parametrize("same_id", [True, False])
def test_a_late_payment_of_a_rejected_withdrawal_notified_twice_at_once(
    api: Api, clock: Clock, context: Context, same_id: bool
) -> None:
    """w1 rejected after WeChat Pay said its request never arrived; the request lands
    and is paid, and the notification arrives twice at one instant beside a query:
    the amount is taken back once."""
    fake, transport, client = _never_arrived_then_approved(api, clock, context)
    wallets.reject(context, finance(api, "f1"), "w1", WithdrawalDecision(reason="test"))
    transport.arrive()
    (out_no,) = fake.transfers
    notified_twice_beside_a_query(api, context, fake, client, out_no, same_id)


@pytest.mark.parametrize("second", ["1000.00", "900.00"])
def test_one_withdrawal_id_asked_twice_at_once(api: Api, context: Context, second: str) -> None:
    """The member's app sends its withdrawal twice at one instant (a retry), with the
    same body or, by mistake, another amount: one hold; the copy is answered as the
    first, the other body refused naming the id."""
    a_member_with_money(api)
    member = owner(api)
    first, other = at_once(
        lambda: wallets.request_withdrawal(
            context, member, "m1", WithdrawalRequest(id="w1", amount="1000.00")
        ),
        lambda: wallets.request_withdrawal(
            context, member, "m1", WithdrawalRequest(id="w1", amount=second)
        ),
    )
    answers = [one for one in (first, other) if not isinstance(one, DomainError)]
    refused = [one for one in (first, other) if isinstance(one, DomainError)]
    if second == "1000.00":
        assert refused == [] and first == other
    else:
        assert len(answers) == 1 and [(one.code, one.field) for one in refused] == [
            ("conflict", "id")
        ]
    held = Decimal(answers[0]["amount"])
    assert holds(api) == (Decimal(1600) - held, held, Decimal(0))
    the_member_keeps(api, context, "1600.00")


def test_finance_reads_a_refused_step_in_chinese(api: Api, context: Context) -> None:
    """The refusal finance meets most (a withdrawal decided from another tab, or by the
    other finance user at the same instant) read "withdrawal 'w1' 的状态是 rejected：
    不能执行 paid" in Chinese: the generic sentence, with the stored words."""
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "test"}))
    said = []
    for step in (
        lambda: wallets.mark_paid(context, finance(api, "f1"), "w1"),
        lambda: wallets.approve(context, finance(api, "f1"), "w1"),
        lambda: gateway_payouts.get_payout(context, owner(api), "w1"),
    ):
        with pytest.raises(DomainError) as refused:
            step()
        said.append(translate_message("zh", refused.value.message))
    assert said == [
        "提现 “w1” 的状态是「已驳回」：不能记为已打款",
        "提现 “w1” 的状态是「已驳回」：不能通过",
        "提现 “w1” 没有打款记录",
    ]
    # and every life cycle's every refused step, from every status: in Chinese words, the
    # order's and the run's too (they read "订单 'o1' 的状态是 paid：不能执行 reversed")
    refused_steps = 0
    for lifecycle in (ORDER, WITHDRAWAL, RUN):
        statuses = type(next(iter(lifecycle.steps.values())).target)
        for status in statuses:
            for step in lifecycle.steps:
                try:
                    lifecycle.start("7", status, step)
                except DomainError as refusal:
                    refused_steps += 1
                    chinese = translate_message("zh", refusal.message)
                    assert chinese.endswith(tuple(f"：不能{verb}" for verb in VERBS)), chinese
                    assert " “7” 的状态是「" in chinese, chinese
                    assert not re.search(r"[A-Za-z]", chinese), chinese
                    words = {s.value for s in statuses} | {lifecycle.what}
                    assert not any(word in chinese for word in words), chinese
    assert refused_steps >= 40  # the walk met the refusals, not nothing


# the steps a refusal says cannot be taken, in Chinese (zh.toml [message])
VERBS = (
    "通过", "驳回", "发起打款", "记为已打款",  # a withdrawal's
    "记为已付款", "完成", "取消", "退款", "冲正",  # an order's
    "开始运行", "记为已完成", "记为失败", "记为已中断", "记为已取消",  # a background run's
)  # fmt: skip
