"""The engine's outcome: what the rules computed, as records that agree with the entries
they posted (so callers read the records, not the entries' printed figures), and the
entry kinds as one enum whose values are the journal's strings."""

from __future__ import annotations

from tests.conftest import Tenant
from zengzhi.core import accounts
from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.core.events import Configure, ImportBalance, Sell, Subsidy
from zengzhi.core.ledger import EntryKind
from zengzhi.engine import notices


def test_entry_kinds_are_the_notice_table_and_the_journal_strings() -> None:
    assert set(EntryKind) == set(notices.ENTRY_TYPES)
    assert all(kind == kind.value and f"{kind}" == kind.value for kind in EntryKind)
    assert EntryKind("exit") is EntryKind.EXIT


def test_an_order_outcome_names_its_mint(tenant: Tenant) -> None:
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    outcome = tenant.engine.apply(
        ImportBalance("i1", "m2", "main", Yuan("50.00").minor, Yuan("20.00").minor)
    )
    [mint] = outcome.minted
    [posted] = [one for one in outcome.entries if one.kind == EntryKind.MINT]
    held = accounts.holdings("m2", "main")
    assert (mint.pool, mint.member, mint.contribution) == ("main", "m2", Yuan("20.00").minor)
    assert mint.points == sum(a for acc, _, a in posted.postings if acc == held) > 0
    assert outcome.sales == () and outcome.exits == ()


def test_a_sale_outcome_agrees_with_its_entry(tenant: Tenant) -> None:
    tenant.order("m1", "1000.00", "300.00")
    tenant.order("m2", "500.00", "100.00")
    outcome = tenant.engine.apply(Sell("s1", "m1", "main", 1_000_000))
    [sale] = outcome.sales
    [posted] = outcome.entries
    assert posted.kind == EntryKind.SALE
    params = posted.params
    assert (sale.member, sale.pool, sale.points) == ("m1", "main", 1_000_000)
    assert format_minor(sale.value, 2) == params["value"]
    assert format_minor(sale.payout, 2) == params["payout"]
    assert sale.sell_fee.text == params["sell_fee"]
    assert sale.price.fen == Yuan(params["pool_balance"]).minor
    assert sale.payout < sale.value


def test_exit_outcomes_agree_with_their_entries(tenant: Tenant) -> None:
    tenant.apply(Configure("c", "main", {"exit_multiple": "2"}))
    tenant.order("m1", "1000.00", "300.00")
    tenant.order("m2", "1000.00", "300.00")
    outcome = tenant.engine.apply(Subsidy("x1", "main", 400_000))
    posted = [one for one in outcome.entries if one.kind == EntryKind.EXIT]
    assert outcome.exits and len(outcome.exits) == len(posted)
    for done, entry in zip(outcome.exits, posted, strict=True):
        params = entry.params
        assert (done.member, done.pool, str(done.price)) == (
            params["member"],
            params["pool"],
            params["price"],
        )
        assert format_minor(done.payout, 2) == params["payout"]
        assert format_minor(done.principal, 2) == params["principal"]
        assert format_minor(done.realized, 2) == params["realized"]
        burned = -sum(
            a for acc, _, a in entry.postings if acc == accounts.holdings(done.member, "main")
        )
        assert done.points == burned > 0
