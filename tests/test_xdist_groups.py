"""The tests that share a server run on one xdist worker (tests/conftest.py's
XDIST_GROUPS and its scheduler): with pytest 9.2 xdist's own `xdist_group` marks no
longer reach its scheduler (pytest-xdist issue 1386), and each worker started its own
browser server, Chromium and demo server."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import GroupedScheduling, xdist_group_of

TESTS = Path(__file__).parent


def scope(nodeid: str) -> str:
    """The unit of work the run's scheduler puts a test in (its __init__ needs a run)."""
    return GroupedScheduling._split_scope(object.__new__(GroupedScheduling), nodeid)


def test_the_browser_tests_are_one_unit_of_work_and_the_others_one_each() -> None:
    browser = sorted(str(path.relative_to(TESTS.parent)) for path in TESTS.glob("e2e/test_*.py"))
    assert len(browser) > 10
    assert {scope(f"{path}::test_x") for path in browser} == {"browser"}
    assert {scope(f"{path}::test_x[a@b]") for path in browser} == {"browser"}
    examples = "tests/service/test_examples.py"
    assert {scope(f"{examples}::test_{n}") for n in ("php", "node")} == {"demo-server"}
    races = (
        "tests/service/test_concurrency.py",
        "tests/service/test_mixed_races.py",
        "tests/service/test_console_http_races.py",
    )
    assert {scope(f"{path}::test_x") for path in races} == {"api-servers"}
    alone = ["tests/service/test_orders.py::test_a[sqlite]", "tests/web/test_format.py::test_b"]
    assert [scope(nodeid) for nodeid in alone] == alone
    # xdist's own suffix, should it reach the scheduler again
    assert scope("tests/unit/test_x.py::test_y@mine") == "mine"
    assert xdist_group_of("tests/e2e/test_console.py::test_a@browser") == "browser"
    assert xdist_group_of("tests/service/test_orders.py::test_a[sqlite]") is None
