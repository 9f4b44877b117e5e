"""The modes' charts in a simulation's report name each mode as its text does (工会排队,
专区 combo), not by the column it is stored under: the console's simulation page showed
a Chinese chart whose legend read "union@combo 尚欠" and "union@combo"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sim.test_modes_simulation import COMBINED, shortened
from zengzhi.sim import report
from zengzhi.sim.run import simulate


def drawn_axes(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The axes of every chart the report draws from now on, to read back."""
    drawn: list[Any] = []
    subplots = report.plt.subplots

    def keep(*args: Any, **kwargs: Any) -> Any:
        figure, axes = subplots(*args, **kwargs)
        drawn.append(axes)
        return figure, axes

    monkeypatch.setattr(report.plt, "subplots", keep)
    return drawn


def test_the_mode_charts_legends_name_modes_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = drawn_axes(monkeypatch)
    chosen = shortened(COMBINED, days=30)
    report.write_report(tmp_path, [simulate(chosen)], chosen, COMBINED.read_text(), language="zh")
    titles = {axes.get_title(): axes.get_legend_handles_labels()[1] for axes in drawn}
    mode_charts = [labels for title, labels in titles.items() if "模式" in title]
    assert len(mode_charts) == 2, list(titles)
    for labels in mode_charts:
        assert labels and not any("@" in label for label in labels), labels
        assert any("工会排队" in label for label in labels), labels
