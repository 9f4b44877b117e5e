"""The simulator's report opens with its verdict, every figure of it from the run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.sim.test_simulator import scenario
from zengzhi.i18n import catalogue
from zengzhi.i18n.format import money
from zengzhi.sim.report import figure_text, write_report
from zengzhi.sim.run import RunResult, simulate
from zengzhi.sim.verdict import verdict


@pytest.fixture(scope="module")
def run() -> RunResult:
    return simulate(scenario())


def test_the_verdict_is_the_runs_own_totals(run: RunResult) -> None:
    summary = run.summary
    found = verdict(run)
    assert (found.pool, found.promised) == (summary["pool"], summary["liability"])
    assert (found.spend, found.paid, found.held) == (
        summary["spend"],
        summary["paid_to_members"],
        summary["held_at_sale_rate"],
    )
    assert found.exited + found.holders == summary["members"]
    pool, promised = Decimal(summary["pool"]), Decimal(summary["liability"])
    assert found.kept == (pool >= promised and not found.short_modes)
    covered = [row["day"] for row in run.days if row["coverage"]]
    short = [d for d in covered if Decimal(run.days[d]["coverage"]) < 1]
    assert found.breaks_on == (short[0] if short else None)
    if found.breaks_on is not None:  # every day before it was covered
        assert all(Decimal(run.days[d]["coverage"]) >= 1 for d in covered if d < found.breaks_on)


def test_the_report_opens_with_the_verdict_in_english(run: RunResult, tmp_path: Path) -> None:
    chosen = scenario()
    page = write_report(tmp_path, [run], chosen, "text").read_text()
    summary = run.summary
    verdict_part = page[page.index('id="verdict"') : page.index("</section>")]
    assert page.index('id="verdict"') < page.index("What the results say")
    assert money(summary["pool"]) in verdict_part
    assert money(summary["paid_to_members"]) in verdict_part
    assert money(summary["held_at_sale_rate"]) in verdict_part
    holders = summary["members"] - summary["members_exited"]
    assert f"{holders:,} members who were not forced out" in verdict_part
    found = verdict(run)
    if found.breaks_on is None:
        assert "The cover never broke" in verdict_part
    else:
        assert f"The cover breaks on day {found.breaks_on}" in verdict_part


def test_the_report_in_chinese(run: RunResult, tmp_path: Path) -> None:
    chosen = scenario()
    page = write_report(tmp_path, [run], chosen, "text", language="zh").read_text()
    zh = catalogue("zh")
    assert '<html lang="zh-CN">' in page
    assert f'<h2 id="verdict-heading">{zh["report.verdict_heading"]}</h2>' in page
    assert zh["report.charts"] in page and zh["report.figures"] in page
    assert "谁拿到了钱" in page and "谁还拿着积分" in page
    assert "Who is paid" not in page
    assert money(run.summary["spend"]) in page


def test_every_report_string_has_its_chinese() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    keys = [key for key in en if key.startswith(("report.", "progress."))]
    assert keys and all(key in zh and zh[key] != en[key] for key in keys)


def test_the_figures_table_groups_digits_and_shows_yuan_and_percentages() -> None:
    assert figure_text("spend", "1234567.80") == "¥1,234,567.80"
    assert figure_text("union@club_owed", "92600.00") == "¥92,600.00"
    assert figure_text("exited_share", "0.25") == "25%"
    assert figure_text("orders", 12000) == "12,000"
    assert figure_text("price_last", "1.0600") == "¥1.0600"
    assert figure_text("union@club_backed", True) == "True"
