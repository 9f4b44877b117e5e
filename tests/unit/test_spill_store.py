from zengzhi.store.spill import SpillStore


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
