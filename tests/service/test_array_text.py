"""Arrays sent as PostgreSQL's text form (store/database.py `array_text`): what the
commit and a day's parts write over `unnest` comes back from PostgreSQL as it was
given, whatever a string holds (quotes, backslashes, braces, commas, the word NULL,
spaces at its ends, Chinese), and a value with no form is refused, not guessed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb
from sqlalchemy import make_url

from zengzhi.store.database import array_text

# PostgreSQL's text holds any character but NUL
texts = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
KINDS: dict[str, st.SearchStrategy[Any]] = {
    "BIGINT": st.integers(-(2**63), 2**63 - 1),
    "VARCHAR(600)": texts.filter(lambda one: len(one) <= 600),
    "TEXT": texts | st.sampled_from(["NULL", '"', "\\", "{a,b}", " x ", "中文 积分"]),
    "BOOLEAN": st.booleans(),
    "DATE": st.dates(),
    "TIMESTAMP WITH TIME ZONE": st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
    "JSONB": json_values.map(Jsonb),
    "NUMERIC": st.decimals(allow_nan=False, allow_infinity=False, places=4),
    "BYTEA": st.binary(),
}


@pytest.fixture(scope="module")
def cursor(postgres_url: str) -> Iterator[psycopg.RawCursor[Any]]:
    url = make_url(postgres_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        yield psycopg.RawCursor(connection)


@st.composite
def arrays(draw: st.DrawFn) -> tuple[str, list[Any]]:
    kind = draw(st.sampled_from(sorted(KINDS)))
    return kind, draw(st.lists(st.none() | KINDS[kind], max_size=6))


@settings(max_examples=300, deadline=None)
@given(arrays())
def test_an_array_comes_back_as_it_was_given(
    cursor: psycopg.RawCursor[Any], array: tuple[str, list[Any]]
) -> None:
    kind, values = array
    # the seventh send of a statement is a prepared one's (psycopg prepares at the sixth)
    for _ in range(2):
        cursor.execute(f"SELECT x FROM unnest($1::{kind}[]) AS x", [array_text(values)])
        got = [row[0] for row in cursor.fetchall()]
        assert got == [one.obj if isinstance(one, Jsonb) else one for one in values]


def test_enum_members_are_sent_as_their_values(cursor: psycopg.RawCursor[Any]) -> None:
    class Kind(str, Enum):  # noqa: UP042 (str() of this one gives its name, not its text)
        ORDER = "order"

    class Level(IntEnum):
        TWO = 2

    assert array_text([Kind.ORDER, Level.TWO, 3]) == '{"order",2,3}'
    cursor.execute("SELECT unnest($1::TEXT[])", [array_text([Kind.ORDER, None])])
    assert cursor.fetchall() == [("order",), (None,)]


@pytest.mark.parametrize("value", [1.5, object(), [1, 2], {"a": 1}])
def test_a_value_with_no_array_form_is_refused(value: Any) -> None:
    with pytest.raises(TypeError, match="no PostgreSQL array form"):
        array_text([1, value])


def test_the_forms_postgresql_reads() -> None:
    """Written out: what each type becomes."""
    when = datetime(2026, 12, 7, 1, 2, 3, 456789, tzinfo=UTC)
    assert array_text([]) == "{}"
    assert array_text([None, True, False, -7, Decimal("1E+3")]) == "{NULL,t,f,-7,1000}"
    assert array_text(['a "b"', "c\\d", "", "NULL"]) == '{"a \\"b\\"","c\\\\d","","NULL"}'
    assert (
        array_text([date(2026, 12, 7), when]) == '{2026-12-07,"2026-12-07T01:02:03.456789+00:00"}'
    )
    assert (
        array_text([Jsonb({"k": 'v"'}), b"\x01\xff"]) == '{"{\\"k\\": \\"v\\\\\\"\\"}","\\\\x01ff"}'
    )
