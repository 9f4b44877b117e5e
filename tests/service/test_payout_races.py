"""A payout's answers racing its re-sends (an independent check, 2026-12-04,
notes/attack-races): every server runs its own ticker, so two of them may query one
`paying` payout at the same moment, and finance may send it again as soon as the first
answer puts it back to `approved`. An answer to a question put before the payout was
sent again says nothing about the re-sent transfer. On SQLite and PostgreSQL, with the
interleaving made by hand (the fake gateway's transport runs the other side in the
middle of a query)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.service.conftest import Api, Clock
from tests.service.test_gateway_adapters import (
    ALIPAY_ACCOUNT,
    OPENID,
    a_withdrawal,
    alipay,
    books_balance,
    owner,
    wallet,
    wechat,
)
from zengzhi.core.errors import DomainError
from zengzhi.service import gateway_payouts, wallets
from zengzhi.service.base import Context
from zengzhi.service.wallets import WithdrawalDecision


class Meanwhile(httpx.BaseTransport):
    """The gateway's transport, which runs `meanwhile` once, after the gateway answered
    the first query and before that answer is handed back: a slow answer."""

    def __init__(self, inner: httpx.BaseTransport, meanwhile: Callable[[], None]) -> None:
        self.inner, self.meanwhile, self.ran = inner, meanwhile, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.inner.handle_request(request)
        if not self.ran and b"transfer" not in request.read():  # a query, not a transfer
            self.ran = True
            self.meanwhile()
        return answer


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_a_never_arrived_answer_to_a_question_put_before_a_resend_leaves_it_paying(
    api: Api, clock: Clock, context: Context, gateway: str
) -> None:
    """The transfer never arrived; two tickers query it at once, both told "no such
    transfer". The first answer puts the withdrawal back to `approved`; finance sends it
    again (the same number) and the gateway takes it, pending the payee. The second
    answer, to the question put before the re-send, then put the withdrawal back to
    `approved` too: finance could reject it, returning the money to the wallet while
    the gateway pays it out."""
    fake, transport, client = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    a_withdrawal(api, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    transport.mode = "down"  # the transfer never arrives
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paying"
    transport.mode = "ok"
    clock.advance(minutes=2)

    def first_ticker_and_finance() -> None:
        checked = gateway_payouts.reconcile(context, owner(api), "w1", client)
        assert (checked.outcome, checked.status) == ("not_found", "approved")
        clock.advance(seconds=1)
        fake.next = "pending"  # accepted, the payee to confirm
        sent = gateway_payouts.request_payout(context, owner(api), "w1", client)
        assert sent.status == "paying"

    slow = httpx.Client(transport=Meanwhile(transport, first_ticker_and_finance))
    late = gateway_payouts.reconcile(context, owner(api), "w1", slow)
    assert late.status == "paying", late
    assert len(fake.transfers) == 1  # the re-sent transfer, at the gateway
    with pytest.raises(DomainError) as refused:  # nothing to reject: the gateway has it
        wallets.reject(context, owner(api), "w1", WithdrawalDecision(reason="test"))
    assert refused.value.field == "status"
    assert wallet(api) == ("600.00", "1000.00")  # held
    books_balance(api, context)


class DuringTransfer(httpx.BaseTransport):
    """The gateway's transport, which runs `meanwhile` once while the first transfer is
    at the gateway (sent, not yet answered)."""

    def __init__(self, inner: httpx.BaseTransport, meanwhile: Callable[[], None]) -> None:
        self.inner, self.meanwhile, self.ran = inner, meanwhile, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.ran and b"transfer" in request.read():
            self.ran = True
            self.meanwhile()
        return self.inner.handle_request(request)


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_a_withdrawal_at_the_gateway_cannot_be_marked_paid_by_hand_meanwhile(
    api: Api, clock: Clock, context: Context, gateway: str
) -> None:
    """Finance sends a withdrawal to the gateway while another finance user, who paid
    it by hand, marks it paid: the hand payment was recorded on the `paying`
    withdrawal and the gateway paid it too (paid twice; had the gateway refused, the
    books would say paid and nothing would settle them). Only the gateway's answer
    settles a payout it holds; marking it paid by hand is refused, naming the status."""
    fake, transport, _ = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    a_withdrawal(api, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    refusals: list[DomainError] = []

    def by_hand() -> None:
        try:
            wallets.mark_paid(context, owner(api), "w1")
        except DomainError as error:
            refusals.append(error)

    sending = httpx.Client(transport=DuringTransfer(transport, by_hand))
    assert gateway_payouts.request_payout(context, owner(api), "w1", sending).status == "paid"
    assert [(error.code, error.field) for error in refusals] == [("conflict", "status")]
    assert "reconcile" in refusals[0].message
    assert len(fake.paid()) == 1 and wallet(api) == ("600.00", "0.00")
    books_balance(api, context)
