"""Events survive being written as JSON lines and read back (the service's event log)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Literal, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zengzhi.core.errors import DomainError
from zengzhi.core.events import (
    Bind,
    CompleteOrder,
    CompleteTask,
    Configure,
    ConfigureDistribution,
    ConfigureZone,
    ConvertContribution,
    DayPart,
    Event,
    GrantAgent,
    ImportBalance,
    Join,
    ModeIncome,
    OpenPool,
    OrderLine,
    PayDividend,
    PayWithdrawal,
    Reassign,
    ReassignReferees,
    RejectWithdrawal,
    ReverseOrder,
    RunDay,
    Sell,
    Subsidy,
    Withdraw,
)
from zengzhi.engine.config import TenantConfig
from zengzhi.engine.fields import loads_strict
from zengzhi.engine.lines import _usual_line, amount_line, plain_event
from zengzhi.engine.wire import (
    EVENT_TYPES,
    WRITERS,
    parse_line,
    read_event,
    to_line,
    to_wire,
)

ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,20}", fullmatch=True)
fen = st.integers(min_value=1, max_value=10**12)
# the moments a line may carry: days that exist in every time zone (engine/fields.py
# refuses 0001-01-01 and 9999-12-31 in UTC; drawn, the round trip failed on them)
times = st.none() | st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30, 23, 59, 59),
    timezones=st.just(UTC),
).map(lambda d: d.replace(microsecond=0))


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
    st.builds(Join, ids, ids, st.none() | ids, times, st.none() | ids),
    st.builds(Bind, ids, ids, ids, times, st.none() | ids),
    st.builds(ReassignReferees, ids, ids, ids, st.just("report 12"), times),
    st.builds(ModeIncome, ids, ids, st.just("ads"), fen, st.just("advertiser 7"), times),
    st.builds(
        ConvertContribution,
        ids,
        st.sampled_from(["cash", "shares", "points"]),
        st.sampled_from(["1", "0.0005"]),
        st.just("year end"),
        st.lists(ids, max_size=3).map(tuple),
        st.none() | ids,
        times,
    ),
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
    st.builds(
        CompleteTask,
        ids,
        ids,
        ids,
        st.dates(),
        st.sampled_from(["", "video:42"]),
        times,
        st.none() | st.just("广东/深圳/南山"),
    ),
    st.builds(RunDay, ids, ids, st.dates(), times, st.booleans()),
    st.builds(DayPart, ids, ids, st.dates(), ids, st.integers(1, 10_000), times),
)


@settings(max_examples=300)
@given(event=events)
def test_every_event_round_trips_through_a_json_line(event: object) -> None:
    line = to_line(event)  # type: ignore[arg-type]
    assert "\n" not in line
    assert parse_line(line).event(TenantConfig()) == event


@settings(max_examples=300)
@given(event=events)
def test_an_events_wire_form_is_what_its_line_reads_back_as(event: object) -> None:
    assert to_wire(event) == json.loads(to_line(event))  # type: ignore[arg-type]


def test_each_engine_event_is_read_and_written_by_exactly_one_model() -> None:
    assert set(WRITERS) == set(get_args(Event))
    assert len(EVENT_TYPES) == len(WRITERS) == len(get_args(Event))
    for kind, model in EVENT_TYPES.items():
        assert model.model_fields["type"].annotation == Literal[kind]  # type: ignore[valid-type]


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


# The replay reads the two shapes that fill a log without the models (`read_event`);
# whatever it reads must be exactly what the models would make of the line, and whatever
# the models refuse it must refuse with the same field and message.
texts = st.one_of(
    ids,
    st.sampled_from(["", " m1", "m 1", "-m1", "ｍ1", "m1\n", "a" * 129, "a" * 301, "all"]),
    st.from_regex(r"-?[0-9٣]{1,14}(\.[0-9]{0,6})?", fullmatch=True),
    st.sampled_from(["0.00", "0", "1e3", " 5.00 ", "+5", "5.", ".5", "1000000000000.00"]),
)
values = texts | st.integers(-10, 10**13) | st.floats(allow_nan=False) | st.none()


@st.composite
def log_lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["order", "sell", "subsidy", "ord"]))
    fields = ["amount", "contribution"] if kind == "order" else ["points"]
    data: dict[str, object] = {"type": kind, "id": draw(texts), "member": draw(texts)}
    for name in fields:
        data[name] = draw(values)
    if draw(st.booleans()):  # drop, add or reorder a field now and then
        names = list(data)
        choice = draw(st.sampled_from(["drop", "add", "shuffle"]))
        if choice == "drop":
            del data[draw(st.sampled_from(names))]
        elif choice == "add":
            data[draw(st.sampled_from(["pool", "at", "store", "extra"]))] = draw(texts)
        else:
            data = dict(draw(st.permutations(list(data.items()))))
    separators = draw(st.sampled_from([(", ", ": "), (",", ":"), (" ,  ", " :\t")]))
    return json.dumps(data, separators=separators) + draw(st.sampled_from(["", "\n", "  "]))


def _outcome(read: Callable[[], object]) -> object:
    try:
        return read()
    except DomainError as error:
        return (error.code, error.field, error.message)


@settings(max_examples=1500)
@given(log_lines())
def test_the_replays_reader_and_the_models_agree_on_every_line(text: str) -> None:
    config = TenantConfig()
    by_models = _outcome(lambda: parse_line(text).event(config))
    assert _outcome(lambda: read_event(text, config)) == by_models
    if not isinstance(by_models, tuple | CompleteOrder | Sell):
        raise AssertionError(f"unexpected outcome {by_models!r}")


plain_amounts = st.one_of(
    st.from_regex(r"-?[0-9]{1,14}(\.[0-9]{1,3})?", fullmatch=True),
    st.integers(0, 10**14).map(lambda fen: f"{fen // 100}.{fen % 100:02d}"),
    st.sampled_from(["0.00", "000000000001.50", "999999999999.99", "1000000000000.00"]),
)


@settings(max_examples=1500)
@given(plain_amounts, plain_amounts)
def test_the_usual_amounts_read_as_amount_line_reads_them(amount: str, contribution: str) -> None:
    """`_usual_line` (digits.cents, read inline) gives what `amount_line` gives, or leaves
    the pair to it: never another line, never a line it refuses."""
    fast = _usual_line(amount, contribution)
    if fast is not None:
        assert fast == amount_line(amount, contribution, "main", "")
        assert tuple(fast) == tuple(amount_line(amount, contribution, "main", ""))


def test_plain_orders_and_sales_take_the_fast_path() -> None:
    order = (
        '{"type": "order", "id": "o1", "member": "m1", "amount": "10.00", "contribution": "3.00"}'
    )
    sale = '{"type": "sell", "id": "s1", "member": "m1", "points": "all"}\n'
    assert plain_event(order) == CompleteOrder("o1", "m1", (OrderLine(1000, 300, "main", 0, 700),))
    assert plain_event(sale) == Sell("s1", "m1", "main", None)
    assert plain_event(order.replace('"10.00"', '"1.00"')) is None  # refused: the models say why


def test_a_key_twice_is_refused_at_any_depth_naming_it() -> None:
    for text, key in [
        ('{"a": 1, "a": 1}', "a"),
        ('{"a": [{"b": 1}, {"c": 1, "c": 2}]}', "c"),
        ('{"x": {"y": {"z": 1, "y": 2, "z": 3}}}', "z"),
    ]:
        with pytest.raises(DomainError, match="is given twice in one object") as error:
            loads_strict(text)
        assert error.value.field == key
    assert loads_strict('{"a": {"a": 1}}') == {"a": {"a": 1}}  # one key a level is no twice


def test_events_that_differ_only_in_how_numbers_are_written_are_equal() -> None:
    config = TenantConfig()
    pairs = [
        ('"exit_multiple": "1.5"', '"exit_multiple": "1.50"'),
        ('"opening_price": "2"', '"opening_price": "2.000"'),
        ('"min_sell_points": "0.5"', '"min_sell_points": "0.5000"'),
    ]
    for first, again in pairs:
        one, two = (
            read_event(f'{{"type": "configure", "id": "c1", {given}}}', config)
            for given in (first, again)
        )
        assert one == two and to_line(one) == to_line(two)
    zone = (
        '{{"type": "zone", "id": "z1", "zone": "u", "settings": {{"union": {{"funding": "{}"}}}}}}'
    )
    assert read_event(zone.format("0.5"), config) == read_event(zone.format("0.500"), config)
    assert read_event(zone.format("0.5"), config) != read_event(zone.format("0.6"), config)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("[]", "line", "must be a JSON object"),
        ("null", "line", "must be a JSON object"),
        ("{}", "type", "is required"),
        ('{"type": "refund"}', "type", "unknown event type 'refund'"),
        ('{"type": "Order"}', "type", "unknown event type 'Order'"),
        ('{"type": 5}', "type", "unknown event type '5'"),  # named as written, not as 5
        ('{"type": null}', "type", "unknown event type 'None'"),
        ('{"type": ["order"]}', "type", "unknown event type \"['order']\""),
        ('{"type": "order", "id": "o1"}', "member", "is required"),  # no "order." prefix
        ('{"type": "sell", "id": "s", "member": "m", "points": "all", "x": 1}', "x", "known"),
    ],
)
def test_a_line_is_refused_by_its_type_naming_the_field(
    text: str, field: str, message: str
) -> None:
    with pytest.raises(DomainError) as refused:
        parse_line(text)
    assert refused.value.field == field
    assert message in str(refused.value)
    if field == "type" and "unknown" in message:
        assert str(refused.value).endswith(f"(known: {', '.join(EVENT_TYPES)})")


def test_a_line_builds_the_model_of_its_type_only() -> None:
    # the models build on first use: a log of one type must not pay for the other twenty
    probe = (
        "from zengzhi.engine.wire import EVENT_TYPES, parse_line\n"
        'parse_line(\'{"type": "subsidy", "id": "s1", "amount": "10.00"}\')\n'
        "print(sorted(k for k, m in EVENT_TYPES.items() if m.__pydantic_complete__))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["['subsidy']"]
