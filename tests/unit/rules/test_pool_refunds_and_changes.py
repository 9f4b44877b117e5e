"""The pool on the way back (spec 01, issue 14): a reversal's debt is bounded by what the
member was paid, an operator's lower cap pays what points are worth, a basket mints what
one line would, shares apply to the line total, an import needs a principal, and dust
opens no stake."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import Tenant, moved
from zengzhi.core import accounts
from zengzhi.core.amounts import Ratio, Yuan
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import (
    CompleteOrder,
    Configure,
    ImportBalance,
    OrderLine,
    RejectWithdrawal,
    ReverseOrder,
    Sell,
    Subsidy,
    Withdraw,
)
from zengzhi.engine.config import TenantConfig
from zengzhi.engine.snapshot import snapshot
from zengzhi.rules.pool import POINTS_LIMIT, PoolParams, balance_and_points


def fen(text: str) -> int:
    return Yuan(text).minor


def test_a_refund_after_selling_into_a_tiny_pool_charges_at_most_what_the_sale_paid() -> None:
    # The check's case: 210 points, 209.9999 sold (value 299.99, paid 239.99), which
    # leaves 0.0001 point and a price of 600,100. Valuing the 209.9999 points the member
    # no longer holds at that price would charge 126,020,939.99 on a 1,000 order.
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    [sale] = tenant.apply(Sell("s1", "m1", "main", 2_099_999))
    assert sale.params["payout"] == "239.99"
    entries = tenant.apply(ReverseOrder("r1", "o1"))
    [reversal] = [e for e in entries if e.kind == "reversal"]
    assert moved(reversal, "member:m1:points:main", "PTS:main") == "-0.0001"
    assert reversal.params["paid_since_order"] == "239.99"
    # charged what the sale paid, not 126 million: from the wallet, which still held it
    assert moved(reversal, "member:m1:wallet") == "-239.99"
    assert tenant.balance("member:m1:debt") == 0
    assert moved(reversal, "platform:reversals") == "239.99"


def test_what_the_wallet_no_longer_holds_is_a_debt_to_the_reversal_costs() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.apply(Sell("s1", "m1", "main", 2_099_999))
    tenant.apply(Withdraw("w1", "m1", 20_000, 0))  # 200.00 of the 239.99 on its way out
    tenant.apply(ReverseOrder("r1", "o1"))
    assert tenant.balance("member:m1:wallet") == 0
    assert tenant.balance("member:m1:debt") == -20_000
    assert tenant.balance("member:m1:owes:platform:reversals") == 20_000


def charged(tenant: Tenant) -> int:
    """What reversals charged the members in all: wallets taken and debts recorded."""
    return sum(
        -amount
        for one in tenant.journal
        if one.kind == "reversal"
        for account, asset, amount in one.postings
        if asset == "CNY" and account.startswith("member:") and amount < 0
    )


def test_the_bound_holds_for_an_order_at_the_engine_s_limit() -> None:
    tenant = Tenant()
    tenant.order("m1", "999999999999.99", "300000000000.00", order_id="o1")
    tenant.apply(Sell("s1", "m1", "main", None))
    paid = tenant.balance("member:m1:wallet")
    tenant.apply(ReverseOrder("r1", "o1"))
    assert charged(tenant) <= paid


def test_two_refunds_never_charge_more_than_the_pool_ever_paid() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.order("m1", "1000.00", "300.00", order_id="o2")
    tenant.order("m2", "1000.00", "300.00", order_id="o3")
    tenant.apply(Sell("s1", "m1", "main", None))
    paid = tenant.balance("member:m1:wallet")
    tenant.apply(Withdraw("w1", "m1", paid, 0))  # nothing left to take from: debts
    tenant.apply(ReverseOrder("r1", "o1"))
    tenant.apply(ReverseOrder("r2", "o2"))
    assert -tenant.balance("member:m1:debt") == charged(tenant) == paid  # each bounded, and both


def test_a_refund_charges_nothing_for_payouts_before_the_order() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.apply(Sell("s1", "m1", "main", None))  # paid before o2 completed
    tenant.order("m1", "1000.00", "300.00", order_id="o2")
    tenant.apply(Subsidy("x1", "main", 100_000))
    tenant.apply(Sell("s2", "m1", "main", 100_000))  # 10 of o2's points sold since
    [sale] = [e for e in tenant.journal if e.cause == "s2"]
    tenant.apply(ReverseOrder("r2", "o2"))
    # o2's other points are burned; the 10 sold are charged at most what that sale paid
    assert 0 < charged(tenant) <= fen(sale.params["payout"])


def test_a_settled_debt_goes_back_to_the_platform_s_reversal_costs() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.order("m2", "1000.00", "300.00")
    tenant.apply(Sell("s1", "m1", "main", None))
    tenant.apply(Withdraw("w1", "m1", tenant.balance("member:m1:wallet"), 0))
    tenant.apply(ReverseOrder("r1", "o1"))
    owed = -tenant.balance("member:m1:debt")
    assert owed > 0
    cost = tenant.balance("platform:reversals")
    tenant.order("m1", "1000.00", "300.00")
    tenant.apply(Sell("s2", "m1", "main", None))
    settled = owed + tenant.balance("member:m1:debt")
    assert settled > 0
    assert tenant.balance("platform:reversals") == cost + settled
    assert tenant.balance("member:m1:owes:platform:reversals") == owed - settled


def test_an_import_needs_a_principal_to_open_a_position() -> None:
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("2")))
    tenant.order("m1", "1000.00", "300.00")
    with pytest.raises(DomainError) as refused:
        tenant.apply(ImportBalance("i1", "m9", "main", 0, 100_000))
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "principal")
    assert balance_and_points(tenant.state.pools["main"], tenant.state.ledger) == (
        30_000,
        2_100_000,
    )
    # into an open position, points alone: nothing exits, nothing is burned for nothing
    entries = tenant.apply(ImportBalance("i2", "m1", "main", 0, 10_000))
    assert tenant.kinds(entries) == ["mint"]
    assert tenant.state.pools["main"].positions.get("m1").principal == 100_000  # type: ignore[union-attr]


def test_lowering_k_below_what_a_member_realized_pays_the_sale_value() -> None:
    # o1, o2, subsidy 3000, m1 sells 150 of 210 points (value 1512.60 > 1.2 × 1000):
    # at k = 1.2 m1 has no cap left. Its 60 points are worth 60 × 2389.92 / 207 = 692.73;
    # it is paid that less the fee, 554.18, not burned for 0.00.
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    tenant.order("m2", "1000.00", "300.00")
    tenant.apply(Subsidy("x1", "main", 300_000))
    tenant.apply(Sell("s1", "m1", "main", 1_500_000))
    exits = tenant.apply(Configure("c1", "main", {"exit_multiple": "1.2"}))
    assert [(e.params["member"], e.params["payout"]) for e in exits] == [
        ("m1", "554.18"),
        ("m2", "960.00"),  # m2 passed its cap: paid the cap, 1.2 × 1000 less the fee
    ]
    assert exits[0].params["paid_as"].startswith("sale value")


def test_a_cap_used_up_by_the_member_s_own_refund_pays_nothing_more() -> None:
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("1.2")))
    tenant.order("m1", "100.00", "30.00", order_id="o2")  # 21 points, the oldest
    tenant.order("m1", "1000.00", "300.00", order_id="o1")  # 147 points
    tenant.order("m2", "1000.00", "300.00")
    tenant.apply(Subsidy("x1", "main", 100_000))
    tenant.apply(Sell("s1", "m1", "main", 210_000))  # o2's 21 points: realized 124.51
    entries = tenant.apply(ReverseOrder("r1", "o1"))
    # o1's 147 points, all held, are burned; what is left, o2's principal of 100, was
    # already paid past its cap (1.2 × 100 < 124.51) by o2's own sale: it closes unpaid
    assert not [e for e in entries if e.kind == "exit" and e.params["member"] == "m1"]
    assert tenant.state.pools["main"].positions.get("m1") is None
    assert tenant.balance("member:m1:wallet") == 9960  # the sale's payout, kept
    assert tenant.balance("member:m1:debt") == 0


def test_a_refund_that_charges_a_sale_back_takes_it_out_of_what_stays() -> None:
    """m1 sells 100 points: the oldest, o1's (first in, first out). Reversing o1 burns its
    110 points still held and charges the sale back (137.06, its whole payout, from the
    wallet). The sale then no longer counts toward the cap of o2's stake, which stays with
    its 14.7 points: it used to count (realized 171.33 against 1.2 × 100), so o2's stake was
    closed unpaid, and before lots were kept o1's reversal burned o2's points as well."""
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("1.2")))
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.order("m1", "100.00", "30.00", order_id="o2")
    tenant.order("m2", "1000.00", "300.00")
    tenant.apply(Sell("s1", "m1", "main", 1_000_000))  # realized 171.33, past 1.2 × 100
    entries = tenant.apply(ReverseOrder("r1", "o1"))
    assert "exit" not in tenant.kinds(entries)
    position = tenant.state.pools["main"].positions.get("m1")
    assert position is not None
    assert (position.principal, position.realized, position.points) == (10_000, 0, 147_000)
    [reversal] = [e for e in entries if e.kind == "reversal"]
    assert reversal.params["points_short"] == "100.0000"
    assert moved(reversal, "member:m1:points:main", "PTS:main") == "-110.0000"
    assert tenant.balance("member:m1:wallet") == 0  # 137.06 charged back
    assert tenant.balance("member:m1:debt") == 0


def test_a_refund_charges_what_the_order_s_own_points_sold_for_not_the_whole_sale() -> None:
    """m1 buys twice (o1: 210 points, o2: 147) and sells all 357 at once (value 666.66,
    paid 533.32), then o1 is reversed. o1's 210 points, the oldest, took 313.71 of the
    payout and 392.15 of the value; o2's 147 took 219.61 and 274.51. The charge was the
    whole payout, 533.32 (the pool had paid that since o1), o2's sale included, while
    o2's sale still counted toward the cap of o2's stake (an attacker's find,
    2026-12-07). It is o1's share, 313.71, and o2's sale stays m1's and counts."""
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("3")))
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.order("m1", "1000.00", "300.00", order_id="o2")
    tenant.order("m2", "1000.00", "300.00")
    [sale] = tenant.apply(Sell("s1", "m1", "main", 3_570_000))
    assert (sale.params["value"], sale.params["payout"]) == ("666.66", "533.32")
    entries = tenant.apply(ReverseOrder("r1", "o1"))
    [reversal] = [e for e in entries if e.kind == "reversal"]
    assert reversal.params["points_short"] == "210.0000"
    assert moved(reversal, "member:m1:wallet") == "-313.71"
    assert moved(reversal, "platform:reversals") == "313.71"
    assert tenant.balance("member:m1:wallet") == fen("219.61")  # o2's sale, still m1's
    position = tenant.state.pools["main"].positions.get("m1")
    assert position is not None
    assert (position.principal, position.realized, position.points) == (100_000, 27_451, 0)
    # o2 reversed too: its own share, and together the whole payout, never more
    [second] = [e for e in tenant.apply(ReverseOrder("r2", "o2")) if e.kind == "reversal"]
    assert moved(second, "member:m1:wallet") == "-219.61"
    assert tenant.balance("member:m1:wallet") == 0 and tenant.balance("member:m1:debt") == 0


def test_a_refund_of_an_order_whose_stake_closed_charges_nothing_of_the_stake_after_it() -> None:
    """o1's stake is forced out (paid 960.00) and closes; m1 buys o3, a new stake, and
    sells its points (168.24). Reversing o1 charged 1,128.24, all the pool had paid m1
    since o1, o3's sale included, while o3's sale still counted toward o3's cap (the
    next attacker's find, 2026-12-07). It charges 960.00, what o1's stake was paid."""
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("1.2")))
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.apply(Subsidy("x1", "main", fen("300.00")))
    tenant.order("m3", "100000.00", "30000.00", order_id="o2")
    exits = [e for e in tenant.apply(Subsidy("x2", "main", fen("30000.00"))) if e.kind == "exit"]
    assert [e.params["payout"] for e in exits if e.params["member"] == "m1"] == ["960.00"]
    tenant.order("m1", "1000.00", "300.00", order_id="o3")
    tenant.apply(Sell("s1", "m1", "main", None))
    assert tenant.balance("member:m1:wallet") == fen("1128.24")
    [reversal] = [e for e in tenant.apply(ReverseOrder("r1", "o1")) if e.kind == "reversal"]
    assert moved(reversal, "member:m1:wallet") == "-960.00"
    assert tenant.balance("member:m1:wallet") == fen("168.24")  # o3's sale, still m1's
    assert tenant.balance("member:m1:debt") == 0


def test_the_next_stake_s_sales_stay_its_own_with_one_of_its_orders_reversed() -> None:
    """As above, with two orders in the next stake (o3, o4), sold together (336.75), and
    o3 reversed first (charged its share, 168.50): o1's reversal charged 960.00 and
    o4's sale (168.25) too, as the emptied lot of o3 had left the stake's account (the
    third attacker's find, 2026-12-07). A reversed order's lot is emptied, not dropped:
    o1 is charged 960.00, o4 its own share, in either order."""
    for first, then in (("o3", "o1"), ("o1", "o3")):
        tenant = Tenant(main=PoolParams(exit_multiple=Ratio("1.2")))
        tenant.order("m1", "1000.00", "300.00", order_id="o1")
        tenant.apply(Subsidy("x1", "main", fen("300.00")))
        tenant.order("m3", "100000.00", "30000.00", order_id="o2")
        tenant.apply(Subsidy("x2", "main", fen("30000.00")))  # m1 forced out: 960.00
        tenant.order("m1", "1000.00", "300.00", order_id="o3")
        tenant.order("m1", "1000.00", "300.00", order_id="o4")
        tenant.apply(Sell("s1", "m1", "main", None))
        assert tenant.balance("member:m1:wallet") == fen("960.00") + fen("336.75")
        charged = {}
        for order in (first, then, "o4"):
            [one] = [
                e for e in tenant.apply(ReverseOrder(f"r{order}", order)) if e.kind == "reversal"
            ]
            charged[order] = moved(one, "member:m1:wallet")
        assert charged == {"o1": "-960.00", "o3": "-168.50", "o4": "-168.25"}, first
        assert tenant.balance("member:m1:wallet") == 0


def _exits(tenant: Tenant, member: str) -> list[str]:
    return [
        e.params["payout"]
        for e in tenant.journal
        if e.kind == "exit" and e.params["member"] == member
    ]


def _charged(tenant: Tenant, order: str) -> str:
    [one] = [e for e in tenant.apply(ReverseOrder(f"r{order}", order)) if e.kind == "reversal"]
    return moved(one, "member:m1:wallet")


def test_a_refund_after_an_exit_charges_the_order_s_share_of_it() -> None:
    """m1's o1 (210 points) and o2 (147) are forced out together, paid 1,920.00. The
    reversal of o1 charged it all, what the pool had paid m1 since o1, and o2's then
    nothing (m1 owed no more than it was ever paid): o2's points' share of the exit was
    o1's charge (the last notes' "not done"). Each is charged its points' share: o1
    1,129.41 (210 of the 357 points, rounded down), o2 the rest, 790.59."""
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("1.2")))
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.order("m1", "1000.00", "300.00", order_id="o2")
    tenant.order("m2", "1000.00", "300.00")
    tenant.apply(Subsidy("x1", "main", fen("3000.00")))
    assert _exits(tenant, "m1") == ["1920.00"]
    assert [_charged(tenant, "o1"), _charged(tenant, "o2")] == ["-1129.41", "-790.59"]
    assert tenant.balance("member:m1:wallet") == 0 and tenant.balance("member:m1:debt") == 0


def test_a_refund_after_an_exit_charges_nothing_of_what_other_orders_points_were_paid() -> None:
    """m1 sells o1's 210 points (paid 313.72) and is forced out with o2's 147 (paid
    1,606.28). The reversal of o1 after the exit charged 1,920.00, all the pool had paid
    m1 since o1. It charges what o1's points were paid, 313.72: the exit paid for o2's.
    o2's charges the exit, 1,606.28. Either order gives the same."""
    for first, then in (("o1", "o2"), ("o2", "o1")):
        tenant = Tenant(main=PoolParams(exit_multiple=Ratio("1.2")))
        tenant.order("m1", "1000.00", "300.00", order_id="o1")
        tenant.order("m1", "1000.00", "300.00", order_id="o2")
        tenant.order("m2", "1000.00", "300.00")
        [sale] = [e for e in tenant.apply(Sell("s1", "m1", "main", 2_100_000))]
        assert sale.params["payout"] == "313.72"
        tenant.apply(Subsidy("x1", "main", fen("3000.00")))
        assert _exits(tenant, "m1") == ["1606.28"]
        charged = {first: _charged(tenant, first), then: _charged(tenant, then)}
        assert charged == {"o1": "-313.72", "o2": "-1606.28"}, first
        assert tenant.balance("member:m1:wallet") == 0


def test_a_refund_charges_nothing_of_the_stakes_opened_and_closed_after_its_own() -> None:
    """o1's stake is forced out (960.00); o2 opens a second, forced out too, and o3 a
    third, forced out at once (960.00 each). The reversal of o1 was bounded by all the
    pool paid m1 since o1, 2,880.00, and charged what o1's points were worth at the
    reversal's price, up to that. It charges o1's stake's exit, 960.00."""
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("1.2")))
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.order("m2", "1000.00", "300.00")
    tenant.apply(Subsidy("x1", "main", fen("3000.00")))
    tenant.order("m1", "1000.00", "300.00", order_id="o2")
    tenant.order("m3", "1000.00", "300.00")
    tenant.apply(Subsidy("x2", "main", fen("30000.00")))
    tenant.order("m1", "1000.00", "300.00", order_id="o3")
    assert _exits(tenant, "m1") == ["960.00", "960.00", "960.00"]
    assert _charged(tenant, "o1") == "-960.00"
    assert tenant.balance("member:m1:wallet") == fen("1920.00")  # o2's and o3's, kept


def _line(amount: str, contribution: str) -> OrderLine:
    fen_amount, fen_contribution = fen(amount), fen(contribution)
    return OrderLine(fen_amount, fen_contribution, "main", platform=fen_amount - fen_contribution)


def test_a_basket_mints_what_one_line_of_the_same_total_mints() -> None:
    one, two = Tenant(), Tenant()
    for tenant in (one, two):
        tenant.order("m1", "1000.00", "300.00")
    one.apply(CompleteOrder("o2", "m2", (_line("1000.00", "300.00"),)))
    two.apply(CompleteOrder("o2", "m2", (_line("500.00", "150.00"), _line("500.00", "150.00"))))
    for tenant in (one, two):
        [mint] = [e for e in tenant.journal if e.cause == "o2" and e.kind == "mint"]
        assert moved(mint, "member:m2:points:main", "PTS:main") == "147.0000"
        assert tenant.state.pools["main"].positions.get("m2").principal == 100_000  # type: ignore[union-attr]


def test_percentage_shares_apply_to_the_line_total() -> None:
    config = TenantConfig.model_validate(
        {
            "products": {
                "pen": {"price": "9.99", "cost": "70%", "contribution": "30%"},
                "sticker": {"price": "0.03", "cost": "70%", "contribution": "30%"},
            }
        }
    )
    pens = config.products["pen"].line("pen", 100, "main")
    assert (pens.amount, pens.contribution, pens.cost) == (99_900, 29_970, 69_930)
    stickers = config.products["sticker"].line("sticker", 1000, "main")
    assert (stickers.amount, stickers.contribution, stickers.cost) == (3_000, 900, 2_100)
    one = config.products["pen"].line("pen", 1, "main")
    assert one.cost + one.contribution == one.amount == 999  # 2.99 and 7.00: cost takes the rest


def test_a_contribution_too_small_for_a_point_opens_no_stake() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    tenant.apply(Sell("s1", "m1", "main", 2_099_999))  # price 600,100 a point
    entries = tenant.order("m2", "1.00", "0.01")
    [mint] = [e for e in entries if e.kind == "mint"]
    assert moved(mint, "member:m2:points:main", "PTS:main") == "0.0000"
    assert mint.params["minted"].startswith("none")
    assert moved(mint, "pool:main") == "0.01"  # the contribution still lands
    assert tenant.state.pools["main"].positions.get("m2") is None  # no principal stranded
    with pytest.raises(DomainError) as refused:
        tenant.apply(ImportBalance("i1", "m3", "main", 100, 1))
    assert refused.value.field == "contribution"


def test_an_opening_price_below_what_a_price_shows_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        PoolParams().with_changes({"opening_price": "0.000000000001"})
    assert refused.value.field == "opening_price" and "0.0001" in refused.value.message
    assert PoolParams().with_changes({"opening_price": "0.0001"}).opening_price.yuan() == Decimal(
        "0.0001"
    )


def test_an_order_that_would_mint_past_the_pool_s_limit_is_refused_before_anything_moves() -> None:
    # at the lowest opening price a fen mints 10^6 units: 4×10^11 yuan would mint 2.8×10^19
    # units (0.7 of them), past what a 64-bit column holds; refused, and nothing moved
    tenant = Tenant(main=PoolParams().with_changes({"opening_price": "0.0001"}))
    tenant.order("m1", "100.00", "30.00", order_id="o1")
    before = snapshot(tenant.state)
    with pytest.raises(DomainError) as refused:
        tenant.order("m2", "500000000000.00", "400000000000.00", order_id="o2")
    assert refused.value.code == ErrorCode.INVALID and refused.value.field == "contribution"
    assert snapshot(tenant.state) == before
    tenant.order("m2", "500000.00", "400000.00", order_id="o3")  # a large order still mints
    assert tenant.balance("member:m2:points:main", "PTS:main") > 0
    assert 0 < -tenant.balance(accounts.pool_supply("main"), "PTS:main") < POINTS_LIMIT


def test_a_rejected_withdrawal_settles_the_debt_a_reversal_left_while_it_was_held() -> None:
    # the sale's cash is held for a withdrawal when the order is reversed: the reversal
    # finds the wallet empty and records a debt; rejecting the withdrawal must settle that
    # debt before anything reaches the wallet (it paid the wallet, and the member could
    # withdraw the same cash again while owing it)
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.order("m2", "1000.00", "300.00", order_id="o2")
    tenant.apply(Sell("s1", "m1", "main", None))
    paid = tenant.balance("member:m1:wallet")
    tenant.apply(Withdraw("w1", "m1", paid, 0))
    tenant.apply(ReverseOrder("r1", "o1"))
    owed = -tenant.balance("member:m1:debt")
    assert 0 < owed <= paid and tenant.balance("member:m1:wallet") == 0
    [(creditor, receivable)] = tenant.state.ledger.receivables("m1")
    assert receivable == owed
    held_by_creditor = tenant.balance(creditor)
    [release] = tenant.apply(RejectWithdrawal("x1", "w1"))
    assert tenant.balance("member:m1:debt") == 0
    assert tenant.balance("member:m1:wallet") == paid - owed
    assert tenant.balance(creditor) == held_by_creditor + owed  # back to its creditor
    assert list(tenant.state.ledger.receivables("m1")) == []
    assert release.corrects == "w1"
