import pytest

from zengzhi.core.ledger import (
    CNY,
    Entry,
    MemoryLedger,
    UnbalancedEntry,
    audit,
    entry,
    rebuild_balances,
)


def test_an_entry_must_balance_per_asset() -> None:
    ledger = MemoryLedger()
    with pytest.raises(UnbalancedEntry, match=r"CNY postings sum to 0\.01"):
        ledger.post(entry("o1", "mint", "pool", (("a", CNY, 101), ("b", CNY, -100))))
    with pytest.raises(UnbalancedEntry, match=r"PTS:main postings sum to 1\.0000"):
        # money balances, but points appear from nowhere
        ledger.post(
            Entry(
                "o1",
                "mint",
                "pool",
                (("a", CNY, 100), ("b", CNY, -100), ("m", "PTS:main", 10_000)),
                {},
            )
        )


def test_zero_postings_are_dropped_and_empty_entries_refused() -> None:
    kept = entry("x", "sale", "pool", [("a", CNY, 5), ("b", CNY, -5), ("c", CNY, 0)])
    assert len(kept.postings) == 2
    with pytest.raises(UnbalancedEntry, match="needs postings"):
        MemoryLedger().post(entry("x", "sale", "pool", [("a", CNY, 0)]))


def test_amounts_are_int_minor_units() -> None:
    ledger = MemoryLedger()
    ledger.post(entry("o", "k", "r", [("a", CNY, 7), ("b", CNY, -7)]))
    before = dict(ledger.balances)
    for bad in ((("a", CNY, 1), ("b", CNY, -1.0)), (("a", CNY, 2), ("b", CNY, -1))):
        with pytest.raises(UnbalancedEntry):
            ledger.post(Entry("x", "k", "r", bad, {}))  # type: ignore[arg-type]
        assert ledger.balances == before  # refused whole: nothing applied


def test_entries_are_immutable() -> None:
    one = entry("x", "k", "r", [("a", CNY, 1), ("b", CNY, -1)])
    with pytest.raises(AttributeError):
        one.kind = "other"  # type: ignore[misc]


def test_balances_equal_their_postings_and_the_audit_says_where_not() -> None:
    ledger = MemoryLedger()
    ledger.post(entry("o1", "order", "order", [("customers", CNY, -1000), ("pool", CNY, 1000)]))
    ledger.post(entry("s1", "sale", "pool", [("pool", CNY, -400), ("wallet", CNY, 400)]))
    assert ledger.balance("pool", CNY) == 600
    journal = ledger.take_posted()
    assert [one.cause for one in journal] == ["o1", "s1"] and ledger.take_posted() == []
    assert rebuild_balances(journal) == ledger.balances
    assert audit(ledger.balances, journal) == []
    ledger.balances[("wallet", CNY)] += 1  # a balance changed without an entry
    [difference] = audit(ledger.balances, journal)
    assert str(difference) == "wallet CNY: kept 4.01, postings say 4.00"
