import ast
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zengzhi.core.events import CompleteOrder, OrderLine
from zengzhi.engine.replay import _KeptOrders
from zengzhi.engine.state import Minted, OrderRecord
from zengzhi.rules.distribution import Paid
from zengzhi.store.spill import SpillStore

ORDER = CompleteOrder("o1", "m1", (OrderLine(100, 30, "main", platform=70),))


def test_kept_values_come_back_before_and_after_they_reach_the_file() -> None:
    store = SpillStore()
    store._BATCH = 3  # type: ignore[misc]  # flush to SQLite often
    try:
        for n in range(10):
            store.put(f"k{n}", f"v{n}")
        assert [store.get(f"k{n}") for n in range(10)] == [f"v{n}" for n in range(10)]
        assert store.get("k10") is None and store.get("") is None
        store.put("k1", "changed")
        assert store.get("k1") == "changed"
    finally:
        store.close()


ids = st.text(min_size=1, max_size=8)
minted = st.builds(
    Minted,
    ids,
    st.integers(0, 10**12),
    st.integers(0, 10**12),
    st.none() | st.integers(1, 10**6),
    st.integers(0, 10**12),
)


@given(
    st.lists(minted, min_size=1, max_size=3),
    st.none() | ids,
    st.lists(st.builds(Paid, ids, st.integers(0, 10**9), ids, ids), max_size=2),
    st.none() | st.lists(ids, max_size=3).map(tuple),
)
def test_a_kept_order_record_reads_back_as_it_was(
    lines: list[Minted],
    reversed_by: str | None,
    rewards: list[Paid],
    grew: tuple[str, ...] | None,
) -> None:
    """The short form of the usual record (one pool, nothing else) is the text repr()
    gives, so both forms read back alike."""
    record = OrderRecord(ORDER, tuple(lines), reversed_by, tuple(rewards), (), grew)
    text = _KeptOrders._encode(record)
    plain = (reversed_by, tuple(map(tuple, lines)), tuple(map(tuple, rewards)), (), grew)
    assert text == repr(plain)
    assert ast.literal_eval(text) == plain


def test_a_short_run_makes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a one-line replay must not pay for a temporary directory and a database it never needs
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    store = SpillStore()
    store._BATCH = 3  # type: ignore[misc]
    store.put("k1", "v1")
    store.put("k2", "v2")
    assert store.get("k1") == "v1" and store.get("k3") is None
    assert list(tmp_path.iterdir()) == []
    store.put("k3", "v3")  # the batch is full: now it goes to a file
    assert [p.name[:15] for p in tmp_path.iterdir()] == ["zengzhi-replay-"]
    assert store.get("k3") == "v3"
    store.close()
    assert list(tmp_path.iterdir()) == []
