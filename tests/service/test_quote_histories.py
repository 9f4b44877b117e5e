"""A property of quotes and their guards, over random histories of quotes, sales and
withdrawals made from quotes taken earlier, with what changes a quote between them: the
operator's sale fee and withdrawal fees, orders that raise the price, other sales, and
repeats of a request. Whoever asks (the integrator for a member, or the member with a
page token), a sale carrying its quote's payout as `min_payout` is made exactly when it
pays at least that, and pays what a quote asked at that moment says; a withdrawal
carrying its quote's fee as `max_fee` is held exactly when its fee is at most that, with
that fee; a refused one changes nothing; a repeat (same id) of one made answers as it
did, whatever changed since (a refused one left nothing: its id is free). The books
balance after. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.histories import through_the_service
from tests.service.conftest import Api, books_balance, login, new_tenant
from zengzhi.service.base import Context

MEMBERS = ["m1", "m2"]
MEMBER = st.sampled_from(MEMBERS)
BY = st.sampled_from(["integrator", "member"])
STEP = st.one_of(
    st.tuples(st.just("order"), MEMBER, st.sampled_from(["100.00", "1000.00", "5000.00"])),
    st.tuples(st.just("sell_fee"), st.just(""), st.sampled_from(["0", "0.1", "0.2", "0.5"])),
    st.tuples(
        st.just("withdrawal_fee"), st.just(""), st.sampled_from(["0", "0.006", "0.01", "0.1"])
    ),
    st.tuples(st.just("quote_sale"), MEMBER, st.sampled_from(["10", "50.5", "300", "all"])),
    st.tuples(st.just("sell"), BY, st.integers(0, 5)),  # the k-th quote (from the newest)
    st.tuples(st.just("quote_withdrawal"), MEMBER, st.sampled_from(["10.00", "150.00"])),
    st.tuples(st.just("withdraw"), BY, st.integers(0, 5)),
    st.tuples(st.just("repeat"), st.just(""), st.integers(0, 5)),
)


@dataclass
class Quotes:
    """One example's shop, the quotes taken and the requests made."""

    api: Api
    tokens: dict[str, str]
    sales: list[tuple[str, str, str]] = field(default_factory=list)  # member, points, payout
    withdrawals: list[tuple[str, str, str]] = field(default_factory=list)  # member, amount, fee
    # requests made (path, body, member, by whom, answer): a repeat answers the same
    made: list[tuple[str, dict[str, Any], str, str, httpx.Response]] = field(default_factory=list)
    numbered: int = 0

    def ask(self, path: str, body: dict[str, Any], member: str, by: str) -> httpx.Response:
        """`path` under the member: by the integrator, or by the member's own token."""
        if by == "member":
            return self.api.post(f"/v1/me/{path}", body, token=self.tokens[member])
        return self.api.post(f"/v1/members/{member}/{path}", body)

    def holdings(self, member: str) -> tuple[Any, ...]:
        api = self.api
        return (
            api.ok(api.get(f"/v1/members/{member}/wallet")),
            api.ok(api.get(f"/v1/members/{member}/positions")),
            api.ok(api.get("/v1/pools/main"))["balance"],
            api.ok(api.get("/v1/withdrawals", limit=200)),
        )

    def next_id(self) -> str:
        self.numbered += 1
        return f"r{self.numbered}"

    def act(self, step: tuple[str, str, Any]) -> None:
        api = self.api
        kind, who, what = step
        if kind == "order":
            self.numbered += 1
            share = str((Decimal(what) * 3 / 10).quantize(Decimal("0.01")))
            api.completed_order(f"o{self.numbered}", who, amount=what, contribution=share)
        elif kind == "sell_fee":
            api.ok(api.patch("/v1/pools/main", {"sell_fee": what}))
        elif kind == "withdrawal_fee":
            fees = {"withdrawals": {"fee_rate": what, "fee_fixed": "1.00" if what != "0" else "0"}}
            api.ok(api.put("/v1/tenant/settings", fees))
        elif kind == "quote_sale":
            quote = api.post(f"/v1/members/{who}/sell/quote", {"points": what})
            if quote.status_code == 200:
                self.sales.append((who, what, quote.json()["payout"]))
            else:  # more points than held, or none
                assert quote.json()["field"] == "points", quote.json()
        elif kind == "quote_withdrawal":
            quote = api.post("/v1/me/withdrawals/quote", {"amount": what}, token=self.tokens[who])
            if quote.status_code == 200:
                self.withdrawals.append((who, what, quote.json()["fee"]))
            else:  # the fee takes the whole amount
                assert quote.json()["field"] == "amount", quote.json()
        elif kind == "sell" and self.sales:
            self.sell(who, *self.sales[-1 - what % len(self.sales)])
        elif kind == "withdraw" and self.withdrawals:
            self.withdraw(who, *self.withdrawals[-1 - what % len(self.withdrawals)])
        elif kind == "repeat" and self.made:
            path, body, member, by, first = self.made[-1 - what % len(self.made)]
            again = self.ask(path, body, member, by)
            assert again.status_code == 200, again.json()  # 201 for a new withdrawal
            assert again.json() == first.json(), "a repeat answered otherwise"

    def sell(self, by: str, member: str, points: str, quoted: str) -> None:
        now = self.api.post(f"/v1/members/{member}/sell/quote", {"points": points})
        before = self.holdings(member)
        body = {"id": self.next_id(), "points": points, "min_payout": quoted}
        sold = self.ask("sell", body, member, by)
        if now.status_code != 200:  # the points are no longer there: refused as the quote
            assert sold.json() == now.json(), sold.json()
        elif Decimal(now.json()["payout"]) >= Decimal(quoted):
            assert sold.status_code == 200, sold.json()
            shared = now.json().keys() & sold.json().keys()  # the integrator's says more
            assert {key: sold.json()[key] for key in shared} == {
                key: now.json()[key] for key in shared
            }
            self.made.append(("sell", body, member, by, sold))
            return
        else:
            assert (sold.status_code, sold.json()["field"]) == (409, "min_payout"), sold.json()
        assert self.holdings(member) == before, "a refused sale changed something"

    def withdraw(self, by: str, member: str, amount: str, quoted: str) -> None:
        token = self.tokens[member]
        now = self.api.post("/v1/me/withdrawals/quote", {"amount": amount}, token=token)
        before = self.holdings(member)
        body = {"id": self.next_id(), "amount": amount, "max_fee": quoted}
        asked = self.ask("withdrawals", body, member, by)
        if now.status_code != 200:  # the fee takes it all, or the wallet is short: refused
            assert asked.json() == now.json(), asked.json()  # as the quote
        elif Decimal(now.json()["fee"]) <= Decimal(quoted):
            assert asked.status_code == 201, asked.json()
            made = asked.json()
            assert (made["fee"], made["payout"]) == (now.json()["fee"], now.json()["payout"])
            self.made.append(("withdrawals", body, member, by, asked))
            return
        else:
            assert (asked.status_code, asked.json()["field"]) == (409, "max_fee"), asked.json()
        assert self.holdings(member) == before, "a refused withdrawal changed something"


@through_the_service(max_examples=25)
@given(steps=st.lists(STEP, min_size=4, max_size=20))
def test_a_quote_guards_what_it_quoted(
    api: Api, context: Context, steps: list[tuple[str, str, Any]]
) -> None:
    tenant = new_tenant(context)  # one tenant per example
    shop = Api(api.client, tenant, login(api.client, tenant))
    shop.pool(exit_multiple="3", sell_fee="0.2")
    tokens = {}
    for n, member in enumerate(MEMBERS):
        shop.member(member)
        shop.completed_order(f"first{n}", member)
        tokens[member] = shop.ok(shop.post(f"/v1/members/{member}/page-token"))["token"]
    shop.ok(shop.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "500.00"}))
    for member in MEMBERS:  # something in the wallets to withdraw
        shop.ok(shop.post(f"/v1/members/{member}/sell", {"id": f"first-{member}", "points": "100"}))
    quotes = Quotes(shop, tokens)
    for step in steps:
        quotes.act(step)
    books_balance(shop, context)
