"""A shipped scenario's report in Chinese says what the scenario is in Chinese: the report
headed a Chinese page with the file's English name and description ("The same number of
orders every day for a year…"). Each shipped scenario has a description in both
catalogues (`[scenario_description]`), the English one the file's own, as its name has
(`[scenario]`); an uploaded scenario keeps its own words."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from zengzhi.i18n import catalogue
from zengzhi.service import simulations
from zengzhi.sim.report import write_report
from zengzhi.sim.run import simulate
from zengzhi.sim.scenario import load_scenario


def _words(text: str) -> str:
    return " ".join(text.split())


def test_each_shipped_scenario_has_its_description_in_both_languages() -> None:
    english, chinese = catalogue("en"), catalogue("zh")
    shipped = simulations.shipped()
    assert len(shipped) > 10
    for file in shipped:
        key = "scenario_description." + file.removesuffix(".toml")
        described = tomllib.loads((simulations.SHIPPED / file).read_text())["description"]
        assert _words(english.get(key, "")) == _words(described), file
        assert re.search(r"[\u4e00-\u9fff]", chinese[key]) and not re.search(
            r"[A-Za-z]{3}", chinese[key]
        ), file
        # the vendors' articles the project was built from are no reference an operator
        # has: modes-ads read 种子文章 002：买 1,000 元…
        assert "种子文章" not in chinese[key] and "种子" not in chinese[key], file
        name = tomllib.loads((simulations.SHIPPED / file).read_text())["name"]
        assert "seed" not in (described + name).lower(), file  # Seed 002: buy 1,000…


def test_a_shipped_scenarios_report_in_chinese_describes_it_in_chinese(tmp_path: Path) -> None:
    data = tomllib.loads((simulations.SHIPPED / "flat-flow.toml").read_text())
    data["simulation"] = {**data["simulation"], "days": 10}
    data["flow"] = {**data["flow"], "orders_per_day": 20}
    chosen = load_scenario(data)
    run = simulate(chosen)
    zh = catalogue("zh")
    page = write_report(tmp_path / "zh", [run], chosen, "text", language="zh").read_text()
    assert f"<h1>{zh['scenario.flat-flow']}</h1>" in page
    assert f"<p>{zh['scenario_description.flat-flow']}</p>" in page
    assert "Flat order flow" not in page and "how fast does anyone exit" not in page
    english = write_report(tmp_path / "en", [run], chosen, "text").read_text()
    assert "<h1>Flat order flow</h1>" in english and "how fast does anyone exit?" in english
    # an upload with the shipped name but words of its own: its own words, in every language
    own = load_scenario({**data, "description": "My own plan for the spring."})
    page = write_report(tmp_path / "own", [run], own, "text", language="zh").read_text()
    assert "<p>My own plan for the spring.</p>" in page and "<h1>Flat order flow</h1>" in page
