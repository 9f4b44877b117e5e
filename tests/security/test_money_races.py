"""Money outside the pool raced on PostgreSQL (an independent check, 2026-12-04,
notes/attack-races): several processes at one instant on one database, and the books
checked after each race as tests/service/test_reversal_histories.py checks a history."""

from __future__ import annotations

import pytest

from tests.security import money_race_workers
from tests.security.money_race_workers import ROUNDS
from tests.security.races import race
from tests.security.test_attack_platform import _funded
from tests.service.conftest import SECRET, new_tenant
from tests.service.test_reversal_histories import assert_the_books_hold
from zengzhi.core.amounts import Yuan
from zengzhi.service import members, orders, pools, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember, SellRequest
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.wallets import WithdrawalRequest

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _fen(text: str) -> int:
    return Yuan(text).minor


def _withdrawn(context: Context, prefix: str) -> tuple[str, Principal]:
    """A tenant whose members {prefix}0… each sold the points of order o-{prefix}{n} and
    asked to withdraw the whole wallet (held: above the auto-approval limit)."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    for n in range(ROUNDS):
        member = f"{prefix}{n}"
        members.create_member(context, owner, NewMember(id=member))
        order = NewOrder(id=f"o-{member}", member=member, amount="1000.00", contribution="300.00")
        orders.create_order(context, owner, order)
        orders.pay(context, owner, order.id)
        members.sell(context, owner, member, SellRequest(id=f"sell-{member}", points="all"))
        balance = wallets.wallet(context, owner, member).balance
        assert _fen(balance) > 0
        wallets.request_withdrawal(
            context, owner, member, WithdrawalRequest(id=member, amount=balance)
        )
        assert wallets.get_withdrawal(context, owner, member).status == "held"
    return tenant, owner


def _books(context: Context, tenant: str) -> None:
    with context.database.reader.connect() as connection:
        assert_the_books_hold(connection, tenant)


@postgresql_only
def test_a_reversal_and_a_rejection_of_the_withdrawal_at_once_settle_the_debt_first(
    context: Context,
) -> None:
    """A member withdrew the whole proceeds of an order; the order is reversed (the
    wallet is empty: the charge becomes a debt) at the moment finance rejects the
    withdrawal (its amount comes back to the wallet, settling any debt first). In either
    order the debt is settled from the returned cash; at once, the rejection read the
    debt as none (its balance row did not exist yet, so nothing was locked) and put the
    whole amount in the wallet beside the new debt: cash the member could withdraw
    again while owing it."""
    tenant, _ = _withdrawn(context, "r")
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(2, money_race_workers.reverse_or_reject, (url, secret, tenant))
    assert outcomes == [["ok"] * ROUNDS] * 2, outcomes
    _books(context, tenant)


@postgresql_only
def test_one_withdrawal_id_with_two_bodies_at_once_holds_one_and_refuses_the_other(
    context: Context,
) -> None:
    """Eight senders (two processes of four threads) ask at once for withdrawal
    k{round} of member q{round}: half for the whole wallet, half for 1.00. One body is
    held, once; every sender of it is answered as its repeat, every sender of the other
    is refused as a conflict on the id, and nothing else moves."""
    rounds = 3
    tenant, owner = _funded(context, "q", rounds)
    amounts = [wallets.wallet(context, owner, f"q{n}").balance for n in range(rounds)]
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(2, money_race_workers.same_key_rounds, (url, secret, tenant, amounts))
    for round_, whole in enumerate(amounts):
        said = [answer for process in outcomes for answer in process[round_ * 4 : round_ * 4 + 4]]
        held = wallets.get_withdrawal(context, owner, f"k{round_}").amount
        assert held in (whole, "1.00"), held
        other = "1.00" if held == whole else whole
        assert sorted(said) == sorted([f"{held}:ok"] * 4 + [f"{other}:conflict"] * 4), said
        wallet = wallets.wallet(context, owner, f"q{round_}")
        assert (_fen(wallet.balance), _fen(wallet.withdrawing)) == (
            _fen(whole) - _fen(held),
            _fen(held),
        )
    assert len(wallets.list_withdrawals(context, owner, None, None, 50, None)) == rounds
    _books(context, tenant)
