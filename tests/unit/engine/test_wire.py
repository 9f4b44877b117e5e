"""Events survive being written as JSON lines and read back (the service's event log)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from zengzhi.core.events import (
    Bind,
    CompleteOrder,
    CompleteTask,
    Configure,
    ConfigureDistribution,
    ConfigureZone,
    GrantAgent,
    ImportBalance,
    Join,
    OpenPool,
    OrderLine,
    PayDividend,
    PayWithdrawal,
    Reassign,
    RejectWithdrawal,
    ReverseOrder,
    RunDay,
    Sell,
    Subsidy,
    Withdraw,
)
from zengzhi.engine.config import TenantConfig
from zengzhi.engine.wire import parse_line, to_line

ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,20}", fullmatch=True)
fen = st.integers(min_value=1, max_value=10**12)
times = st.none() | st.datetimes(timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))


@st.composite
def lines(draw: st.DrawFn) -> OrderLine:
    parts = draw(st.lists(st.integers(min_value=0, max_value=10**10), min_size=4, max_size=4))
    if sum(parts) == 0:
        parts[0] = 1
    cost, distribution, platform, contribution = parts
    return OrderLine(
        amount=sum(parts),
        contribution=contribution,
        pool=draw(ids) if contribution else None,
        distribution=distribution,
        platform=platform,
        cost=cost,
        product=draw(st.none() | ids),
        zone=(zone := draw(st.none() | ids)),
        modes=draw(st.just(()) | st.just((("ads", "1.1"), ("green", "3")))) if zone else (),
    )


events = st.one_of(
    st.builds(
        CompleteOrder,
        ids,
        ids,
        st.lists(lines(), min_size=1, max_size=3).map(tuple),
        st.none() | ids,
        times,
        st.none() | st.sampled_from(["广东/深圳/南山", "Guangdong/Shenzhen"]),
        st.none() | ids,
        st.integers(min_value=0, max_value=10**8).map(lambda fen: fen * 100),
    ),
    st.builds(Sell, ids, ids, ids, st.none() | fen, times),
    st.builds(Subsidy, ids, ids, fen, times),
    st.builds(
        Configure, ids, ids, st.just({"exit_multiple": "2.5", "minting_enabled": False}), times
    ),
    st.builds(ReverseOrder, ids, ids, times),
    st.builds(ImportBalance, ids, ids, ids, fen, fen, times),
    st.builds(Withdraw, ids, ids, fen, st.just(0), times),
    st.builds(RejectWithdrawal, ids, ids, times),
    st.builds(PayWithdrawal, ids, ids, times),
    st.builds(Join, ids, ids, st.none() | ids, times),
    st.builds(Bind, ids, ids, ids, times),
    st.builds(Reassign, ids, ids, ids, st.just("support ticket 12: second account"), times),
    st.builds(GrantAgent, ids, ids, st.just("广东/深圳"), st.just("city"), fen, times),
    st.builds(
        ConfigureDistribution,
        ids,
        st.just({"commission": {"rates": ["0.003", "0.002"]}, "binding": "any_time"}),
        times,
    ),
    st.builds(PayDividend, ids, ids, st.just(date(2026, 11, 1)), st.just(date(2026, 12, 1)), times),
    st.builds(OpenPool, ids, ids, st.just({"exit_multiple": "3"}), times),
    st.builds(
        ConfigureZone,
        ids,
        ids,
        st.just({"union": {"funding": "0.5", "lock_days": 15}, "ads": {"rule": "percent"}}),
        times,
    ),
    st.builds(CompleteTask, ids, ids, ids, st.dates(), st.sampled_from(["", "video:42"]), times),
    st.builds(RunDay, ids, ids, st.dates(), times),
)


@settings(max_examples=300)
@given(event=events)
def test_every_event_round_trips_through_a_json_line(event: object) -> None:
    line = to_line(event)  # type: ignore[arg-type]
    assert "\n" not in line
    assert parse_line(line).event(TenantConfig()) == event


def test_an_order_line_is_written_with_its_whole_split() -> None:
    order = CompleteOrder(
        "o1",
        "m1",
        (OrderLine(100_000, 30_000, "main", 30_000, 10_000, 30_000, "gift"),),
        "s1",
        datetime(2026, 11, 21, 8, 0, tzinfo=UTC),
    )
    assert to_line(order) == (
        '{"at": "2026-11-21T08:00:00+00:00", "id": "o1", "lines": [{"amount": "1000.00", '
        '"pool": "main", "product": "gift", "split": {"contribution": "300.00", "cost": '
        '"300.00", "distribution": "300.00", "platform": "100.00"}}], "member": "m1", '
        '"store": "s1", "type": "order"}'
    )
