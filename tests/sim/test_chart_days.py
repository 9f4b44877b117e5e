"""The report's charts count days as its words do: the text says 第 1 天 / day 1 for the
first day (docs/simulator.md, "Days"), but every chart's day axis started at 0, so a
reader who looked up "the cover breaks on day 3" on the chart found it one day later
than the text. The charts' day axes now run from 1 to the horizon; the data files stay
0-based. The cohorts chart (days since joining) is not a day of the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sim.test_mode_chart_labels import drawn_axes
from tests.sim.test_modes_simulation import COMBINED, shortened
from zengzhi.i18n import Translator
from zengzhi.sim import report
from zengzhi.sim.run import simulate


def test_every_day_axis_counts_from_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = drawn_axes(monkeypatch)
    chosen = shortened(COMBINED, days=12)
    run = simulate(chosen)
    assert run.days[0]["day"] in (0, "0")  # the data stays 0-based
    t = Translator("zh")
    report.write_charts(tmp_path, [run], chosen, t)
    days = [axes for axes in drawn if axes.get_xlabel() == t("report.day")]
    assert len(days) >= 6, [axes.get_title() for axes in drawn]  # price … the modes' two
    for axes in days:
        for line in axes.get_lines():
            xs = list(line.get_xdata())
            assert xs[0] == 1 and xs[-1] == len(run.days), (axes.get_title(), xs[:3])
