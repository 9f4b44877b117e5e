"""The verdict's last word on cash is a trend, not a cover: "the cash does not run out:
the pool and the modes' reserves did not fall" stood beside "the union queue owes
¥15,330,600.00 against a reserve of ¥600.00" with nothing to join them, and read as
an all-clear. When a promise is not covered, it says that the trend pays what is owed
only from orders still to come."""

from __future__ import annotations

from dataclasses import replace

import pytest

from zengzhi.i18n import Translator
from zengzhi.sim.verdict import ModeShortfall, Verdict
from zengzhi.sim.verdict_text import verdict_lines

COVERED = Verdict(
    days=365,
    pool="1000.00",
    promised="900.00",
    coverage="1.1111",
    kept=True,
    spend="2000.00",
    paid="500.00",
    paid_share="0.2500",
    exited=0,
    holders=10,
    held="900.00",
    breaks_on=None,
    short_modes=(),
    cash_window=30,
)


@pytest.mark.parametrize(
    ("language", "lasts", "but"),
    [
        ("en", "The cash does not run out", "only from orders still to come"),
        ("zh", "现金按最近 30 天的趋势不会耗尽", "只能靠以后的订单支付"),
    ],
)
def test_the_cash_trend_is_not_said_as_an_all_clear_beside_a_shortfall(
    language: str, lasts: str, but: str
) -> None:
    t = Translator(language)
    [said] = [line for line in verdict_lines(COVERED, t) if lasts in line]
    assert but not in said  # every promise covered: the trend is the whole story
    short = ModeShortfall("union@combo", "15330600.00", "600.00", "0.00003913")
    for uncovered in (
        replace(COVERED, kept=False, short_modes=(short,)),
        replace(COVERED, kept=False, coverage="0.1870", breaks_on=0),
    ):
        [said] = [line for line in verdict_lines(uncovered, t) if lasts in line]
        assert but in said, said
