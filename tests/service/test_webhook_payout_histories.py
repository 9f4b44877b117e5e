"""A property of payouts through the webhook adapter, over random histories of what the
dispatcher meets (a gateway that takes the request, takes it and loses its answer, or is
down), what the gateway does (pays or refuses what it holds, its notification arriving
at once, late, or twice) and what finance does (sends, sends again, approves, marks paid
by hand, rejects, replays a request), the clock moving between them so that retries
fall due: no withdrawal is paid twice (by the gateway and by hand); one `approved`,
`held` or `rejected` was not paid by the gateway; one `paid` was paid exactly once; and
once the gateway works, every approved withdrawal ends paid once, and what the member
holds (wallet, held, paid out, less debts) is what they had, with the books balanced.
On SQLite and PostgreSQL.

The gateway pays a withdrawal once, whatever requests ask for it (the integration guide's
first rule, docs/integration.md "Payouts"). Half the examples' gateways keep its second
rule too, that a request it refused stays refused (its retries carry the same `id`; a
withdrawal sent again after a refusal comes as a request of its own); the others take a
retry of a refused request as a new payout, which the service must never let happen
once the withdrawal was settled otherwise."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.histories import through_the_service
from tests.service.conftest import Api, Clock, books_balance, login, new_tenant
from tests.service.test_payments import gateway, notify
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.service.base import Context
from zengzhi.service.webhook_delivery import dispatch

AMOUNTS = {"w1": Decimal("500.00"), "w2": Decimal("700.00")}
WITHDRAWAL = st.sampled_from(sorted(AMOUNTS))
FINANCE = st.tuples(
    st.sampled_from(["approve", "payout", "paid", "reject", "replay"]), WITHDRAWAL, st.just("")
)
DISPATCH = st.tuples(st.just("dispatch"), st.just(""), st.sampled_from(["ok", "lost", "down"]))
# the gateway settles what it holds of one withdrawal; its notification arrives or not
SETTLE = st.tuples(
    st.sampled_from(["pay", "fail"]), WITHDRAWAL, st.sampled_from(["arrives", "is late"])
)
RENOTIFY = st.tuples(st.just("renotify"), st.just(""), st.just(""))
LATER = st.tuples(st.just("later"), st.just(""), st.sampled_from(["1", "3", "30"]))  # hours


@st.composite
def hurried(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """Finance's likeliest mistakes, as stories drawn often enough to matter, each of one
    withdrawal: paying by hand what was sent to the gateway (before or after its request
    left); or what the gateway refused while a retry of its request was queued, paid by
    hand or rejected, the retry then falling due."""
    w = draw(WITHDRAWAL)
    sent = [("approve", w, ""), ("payout", w, "")]
    settled = ("pay", w, "arrives")
    if draw(st.booleans()):
        how = draw(st.sampled_from(["", "ok", "lost", "down"]))
        tried = [("dispatch", "", how)] if how else []
        return [*sent, *tried, ("paid", w, ""), ("dispatch", "", "ok"), settled]
    hand = draw(st.sampled_from(["paid", "reject"]))
    refused = [("dispatch", "", "lost"), ("fail", w, "arrives"), (hand, w, "")]
    return [*sent, *refused, ("later", "", "3"), ("dispatch", "", "ok"), settled]


STEPS = st.lists(
    st.one_of(
        st.one_of(FINANCE, DISPATCH, SETTLE, RENOTIFY, LATER).map(lambda step: (step,)),
        hurried(),
    ),
    min_size=2,
    max_size=8,
).map(lambda stories: [step for story in stories for step in story])


@dataclass
class Gateway:
    """A gateway, and what it did. A `strict` one keeps both of the guide's rules; the
    other pays a retry of a request it refused, as a new payout."""

    strict: bool = True
    paid: dict[str, int] = field(default_factory=dict)  # payments made, by withdrawal
    holding: dict[str, str] = field(default_factory=dict)  # withdrawal → request id taken
    refused: set[str] = field(default_factory=set)  # request ids refused
    late: list[dict[str, Any]] = field(default_factory=list)  # notifications not yet sent
    sent: list[dict[str, Any]] = field(default_factory=list)
    numbered: int = 0

    def take(self, request: dict[str, Any]) -> None:
        withdrawal = request["data"]["withdrawal"]
        if self.paid.get(withdrawal) or withdrawal in self.holding:
            return  # paid once, or already being paid: the same payout
        if self.strict and request["id"] in self.refused:
            return  # a retry of a request refused: refused again
        self.holding[withdrawal] = request["id"]

    def settle(self, withdrawal: str, pays: bool) -> dict[str, Any] | None:
        request = self.holding.pop(withdrawal, None)
        if request is None:
            return None
        self.numbered += 1
        note: dict[str, Any] = {"id": f"n{self.numbered}", "withdrawal": withdrawal}
        if pays:
            self.paid[withdrawal] = self.paid.get(withdrawal, 0) + 1
            return note | {"type": "payout.succeeded"}
        self.refused.add(request)
        return note | {"type": "payout.failed", "reason": "account closed"}


def status(api: Api, withdrawal: str) -> str:
    return str(api.ok(api.get(f"/v1/withdrawals/{withdrawal}"))["status"])


@dataclass
class Story:
    """One example's shop, gateway and what finance did."""

    api: Api
    context: Context
    clock: Clock
    secret: str
    fake: Gateway
    by_hand: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AMOUNTS, 0))
    requests: dict[str, str] = field(default_factory=dict)  # event id → withdrawal

    def tell(self, note: dict[str, Any]) -> None:
        answer = notify(self.api, self.secret, self.clock, note)
        if note in self.fake.sent:  # a copy: answered as done (409, field id)
            assert (answer.status_code, answer.json()["field"]) == (409, "id"), answer.json()
            return
        # a payout.succeeded is always taken: refused, it would leave a payment unbooked;
        # a payout.failed of a withdrawal settled since may be refused
        assert answer.status_code == 200 or note["type"] == "payout.failed", answer.json()
        self.fake.sent.append(note)

    def act(self, step: tuple[str, str, str]) -> None:
        api, fake = self.api, self.fake
        kind, withdrawal, how = step
        if kind == "dispatch":

            def endpoint(request: httpx.Request) -> httpx.Response:
                if how == "down":
                    raise httpx.ConnectError("the gateway is down", request=request)
                fake.take(json.loads(request.read()))
                return httpx.Response(202 if how == "ok" else 500)  # "lost": its answer

            client = httpx.Client(transport=httpx.MockTransport(endpoint))
            dispatch(self.context, api.tenant, client)
        elif kind in {"pay", "fail"}:
            note = fake.settle(withdrawal, kind == "pay")
            if note is not None and how == "arrives":
                self.tell(note)
            elif note is not None:
                fake.late.append(note)
        elif kind == "renotify":  # the late ones arrive, and a copy of one sent before
            for note in fake.late + fake.sent[-1:]:
                self.tell(note)
            fake.late.clear()
        elif kind == "later":
            self.clock.advance(hours=int(how))
        elif kind == "replay":
            mine = [event for event, whose in self.requests.items() if whose == withdrawal]
            if mine:
                path = f"/v1/webhooks/gateway/deliveries/{mine[-1]}/replay"
                answer = api.post(path)
                assert answer.status_code == 200 or answer.json()["field"] == "event_id", (
                    answer.json()
                )
        else:
            before = status(api, withdrawal)
            body = {"reason": "test"} if kind == "reject" else None
            answer = api.post(f"/v1/withdrawals/{withdrawal}/{kind}", body)
            assert answer.status_code in {200, 409}, answer.json()
            if answer.status_code == 409:
                assert answer.json()["field"] == "status", answer.json()
            elif kind == "paid" and before != "paid":
                self.by_hand[withdrawal] += 1
            elif kind == "payout" and before == "approved":  # a request of its own
                newest = api.ok(api.get("/v1/webhooks/gateway/deliveries"))[0]["event_id"]
                assert newest not in self.requests
                self.requests[newest] = withdrawal

    def holds(self) -> None:
        for withdrawal in AMOUNTS:
            by_gateway = self.fake.paid.get(withdrawal, 0)
            assert by_gateway + self.by_hand[withdrawal] <= 1, f"{withdrawal} paid twice"
            now = status(self.api, withdrawal)
            if now == "paid":
                assert by_gateway + self.by_hand[withdrawal] == 1, f"{withdrawal}: by no one"
            if now in {"held", "approved", "rejected"}:
                assert by_gateway == 0, f"{withdrawal} {now}, and the gateway paid it"


@through_the_service(max_examples=30)
@given(strict=st.booleans(), steps=STEPS)
def test_a_webhook_payout_is_never_paid_twice_nor_lost(
    api: Api, clock: Clock, context: Context, strict: bool, steps: list[tuple[str, str, str]]
) -> None:
    tenant = new_tenant(context)  # one tenant per example
    shop = Api(api.client, tenant, login(api.client, tenant))
    a_member_with_money(shop)  # 1,600.00
    secret = gateway(shop)
    for withdrawal, amount in AMOUNTS.items():
        shop.ok(shop.post("/v1/members/m1/withdrawals", {"id": withdrawal, "amount": str(amount)}))
    story = Story(shop, context, clock, secret, Gateway(strict))
    for step in steps:
        story.act(step)
        story.holds()
    # the late notifications arrive and the gateway works again: every withdrawal not
    # rejected ends paid, once
    story.act(("renotify", "", ""))
    for _ in range(4):
        for withdrawal in AMOUNTS:
            now = status(shop, withdrawal)
            if now in {"held", "approved"}:
                story.act(("approve", withdrawal, ""))
                story.act(("payout", withdrawal, ""))
            elif now == "paying" and withdrawal not in story.fake.holding:
                story.act(("replay", withdrawal, ""))
        clock.advance(hours=2)
        story.act(("dispatch", "", "ok"))
        for withdrawal in AMOUNTS:
            story.act(("pay", withdrawal, "arrives"))
        story.holds()
    received = Decimal(0)
    for withdrawal, amount in AMOUNTS.items():
        now = status(shop, withdrawal)
        assert now in {"paid", "rejected"}, f"{withdrawal} ends {now}"
        received += amount if now == "paid" else 0  # the fee is 0 here
    wallet = shop.ok(shop.get("/v1/members/m1/wallet"))
    total = Decimal(wallet["balance"]) + Decimal(wallet["withdrawing"]) - Decimal(wallet["debt"])
    assert total + received == 1600, "the member's money is not what they had"
    books_balance(shop, context)
