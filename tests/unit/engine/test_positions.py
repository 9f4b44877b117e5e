from zengzhi.core.amounts import Ratio
from zengzhi.engine.positions import MemoryPositions
from zengzhi.rules.pool import EXIT_NOW, exit_key


def book_with(*specs: tuple[str, int, int, int], multiple: str = "2") -> MemoryPositions:
    book = MemoryPositions(Ratio(multiple))
    for member, principal, realized, points in specs:
        position = book.open(member)
        position.principal, position.realized, position.points = principal, realized, points
        book.update(position)
    return book


def test_the_lowest_threshold_comes_first() -> None:
    book = book_with(("a", 100_000, 0, 2_100_000), ("b", 100_000, 0, 1_000_000))
    first = book.first_to_exit()
    assert first is not None and first.member == "a"  # more points: a lower exit price


def test_equal_thresholds_go_in_opening_order() -> None:
    book = book_with(("late", 100_000, 0, 1_000_000), ("early", 100_000, 0, 1_000_000))
    first = book.first_to_exit()
    assert first is not None and first.member == "late"  # opened first


def test_keys_of_nearly_equal_prices_still_differ() -> None:
    # exit prices 1 fen apart on a trillion points: different keys, exact order
    multiple = Ratio("1.5")
    book = book_with(("a", 10**14 + 1, 0, 10**16 - 1), ("b", 10**14, 0, 10**16 - 1), multiple="1.5")
    a, b = book.get("a"), book.get("b")
    assert a is not None and b is not None
    key_a, key_b = exit_key(a, multiple), exit_key(b, multiple)
    assert key_a is not None and key_b is not None and key_b < key_a
    first = book.first_to_exit()
    assert first is not None and first.member == "b"


def test_changed_and_closed_positions_leave_the_index() -> None:
    book = book_with(("a", 100_000, 0, 2_100_000), ("b", 100_000, 0, 1_000_000))
    a = book.get("a")
    assert a is not None
    a.points = 10  # a now needs a huge price
    book.update(a)
    assert book.first_to_exit() is book.get("b")
    book.close(book.get("b"))  # type: ignore[arg-type]
    assert book.first_to_exit() is a
    a.points = 0
    book.update(a)  # no points, cap not reached: no price can force it out
    assert book.first_to_exit() is None


def test_a_position_past_its_cap_exits_at_once() -> None:
    book = book_with(("a", 100_000, 300_000, 0))  # realized 3000 on a cap of 2000
    a = book.get("a")
    assert a is not None and exit_key(a, Ratio("2")) == EXIT_NOW
    assert book.first_to_exit() is a


def test_the_heap_is_compacted() -> None:
    book = book_with(("a", 100_000, 0, 1))
    a = book.get("a")
    assert a is not None
    for points in range(2, 1000):
        a.points = points
        book.update(a)
    assert len(book._heap) < 200
    assert book.first_to_exit() is a


def test_the_live_item_is_found_by_value_not_identity() -> None:
    """mypyc boxes a fixed-length tuple anew wherever it is stored, so the heap and the
    live-item map hold equal tuples that are not the same object: compiled, an identity
    check skipped every position and a replay forced no exit (2026-11-22). Copies in
    the map stand for that here."""
    book = book_with(("a", 100_000, 0, 2_100_000), ("b", 100_000, 0, 1_000_000))
    a, b = book.get("a"), book.get("b")
    assert a is not None and b is not None
    a.points = 10  # a's stale item stays in the heap, below its live one
    book.update(a)
    book._current = {  # each a new tuple, equal to the heap's
        member: (key, opened, push, position)
        for member, (key, opened, push, position) in book._current.items()
    }
    assert book.first_to_exit() is b
    book.close(b)
    assert book.first_to_exit() is a
