"""A share above nothing never reads as nothing in a simulation's words: one member of
10,977 exiting read "0.00%", and a mode's reserve of ¥600 against ¥15,330,600 owed read
"covered 0.0%", as if the reserve were empty. Such shares read "<0.01%"; nothing reads
0; and shares of 0.01% and above keep their figure, rounded down."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zengzhi.core.amounts import ratio_text
from zengzhi.i18n import format as fmt
from zengzhi.sim.report import _share
from zengzhi.sim.verdict import _ratio
from zengzhi.sim.verdict_text import _percent, percent_text


@pytest.mark.parametrize(
    ("share", "said"),
    [
        (Decimal("0"), "0.0%"),
        (Decimal("0.009"), "<0.01%"),
        (Decimal("0.01"), "0.01%"),
        (Decimal("0.0625"), "0.06%"),
        (Decimal("0.999"), "0.99%"),
        (Decimal("25.12"), "25.1%"),
        (Decimal("99.99"), "99.9%"),
        (Decimal("100"), "100.0%"),
    ],
)
def test_a_percentage_as_said(share: Decimal, said: str) -> None:
    assert percent_text(share) == said


def test_one_member_of_many_and_a_small_reserve_read_as_something() -> None:
    assert _share(1, 10_977) == "<0.01%"
    assert _share(0, 10_977) == "0.0%"
    ratio = _ratio(Decimal("600.00"), Decimal("15330600.00"))
    assert ratio == "0.00003913" and _percent(ratio) == "<0.01%"
    assert _ratio(Decimal("0"), Decimal("15330600.00")) == "0.0000"
    # a share of nothing keeps the 4 places every other one has (it was "0"), and reads
    # as the verdict writes it, 0.0% (the findings' "0 of 0 members (0%)")
    assert _ratio(Decimal("1"), Decimal("0")) == "0.0000"
    assert _share(0, 0) == "0.0%"
    # the tables too: runs.csv's share of exits, the report's figures table
    assert ratio_text(1, 10_977) == "0.00009109" and fmt.percent("0.00009109") == "0.009109%"
    assert ratio_text(0, 10_977) == "0.0000" and ratio_text(5, 10) == "0.5000"


@given(
    part=st.integers(min_value=0, max_value=10**14),
    whole=st.integers(min_value=1, max_value=10**14),
)
def test_a_ratio_reads_nothing_only_when_it_is_nothing(part: int, whole: int) -> None:
    ratio = Decimal(_ratio(Decimal(part), Decimal(whole)))
    said = _percent(str(ratio))
    assert (said == "0.0%") == (part == 0), (part, whole, said)
    assert ratio <= Decimal(part) / Decimal(whole)  # rounded down, never up
    if part < whole:
        assert said != "100.0%"
