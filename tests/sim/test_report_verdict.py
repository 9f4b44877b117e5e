"""The simulator's report opens with its verdict, every figure of it from the run."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from tests.sim.test_simulator import scenario
from zengzhi.i18n import Translator, catalogue
from zengzhi.i18n.format import money
from zengzhi.sim.report import figure_text, write_report
from zengzhi.sim.run import RunResult, simulate
from zengzhi.sim.verdict import cash_runs_out, verdict
from zengzhi.sim.verdict_text import verdict_lines

EN = Translator("en")


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
    assert found.holders == summary["members_holding"]
    assert found.exited + found.holders <= summary["members"]  # none here bought again
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
    holders = summary["members_holding"]
    assert f"the members who still hold points ({holders:,})" in verdict_part
    found = verdict(run)
    if found.breaks_on is None:
        assert "The cover never broke" in verdict_part
    else:
        # the first day is day 1 (breaks_on, as verdict.json keeps it, counts from 0)
        assert f"The cover breaks on day {found.breaks_on + 1}:" in verdict_part


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
    findings = page[page.index(zh["report.findings"]) : page.index(zh["report.charts"])]
    summary = run.summary
    assert f"积分价格在 {summary['days']:,} 天里从 ¥{summary['price_first']}" in findings
    assert money(summary["paid_to_members"]) in findings  # ¥ on the findings' amounts
    assert "the point price" not in page and "members spent" not in page
    figures = page[page.index(zh["report.figures"]) :]
    assert f"<th>{zh['figure.spend']}</th>" in figures and "<th>spend</th>" not in figures


def test_every_report_string_has_its_chinese() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    keys = [key for key in en if key.startswith(("report.", "progress.", "findings.", "figure."))]
    same = ("findings.mode_settled", "figure.none")
    assert keys and all(key in zh and (zh[key] != en[key] or key in same) for key in keys)


def test_the_figures_table_groups_digits_and_shows_yuan_and_percentages() -> None:
    assert figure_text("spend", "1234567.80", EN) == "¥1,234,567.80"
    assert figure_text("union@club_owed", "92600.00", EN) == "¥92,600.00"
    assert figure_text("exited_share", "0.25", EN) == "25%"
    assert figure_text("orders", 12000, EN) == "12,000"
    assert figure_text("price_last", "1.0600", EN) == "¥1.0600"
    assert figure_text("union@club_backed", True, EN) == "yes"
    assert figure_text("union@club_backed", "False", Translator("zh")) == "否"
    assert figure_text("rewards_top_1pct", "", Translator("zh")) == "—"


def _day(day: int, pool: str, **reserves: str) -> dict[str, object]:
    return {"day": day, "pool": pool, **{f"{k}_reserve": v for k, v in reserves.items()}}


def test_the_day_the_cash_runs_out_is_a_straight_line_through_the_last_days() -> None:
    # 1,000 at day 10, falling 10 a day (pool and reserve together) to 600 at day 50:
    # the line through day 20 (900) and day 50 (600) reaches zero 60 days on
    days = [_day(d, str(1000 - 10 * max(0, d - 10) - 100), **{"u@z": "100"}) for d in range(51)]
    assert cash_runs_out(days) == (110, 30)
    assert cash_runs_out(days, window=5) == (110, 5)
    # a fall that does not divide: 7 a day from 100 → ceil(100 / 7) = 15 days on
    assert cash_runs_out([_day(0, "107"), _day(1, "100")], window=30) == (16, 1)
    rising = [_day(d, str(100 + d)) for d in range(40)]
    assert cash_runs_out(rising) == (None, 30)
    assert cash_runs_out([_day(0, "0"), _day(1, "0")]) == (None, 1)  # never held any
    spent = [_day(0, "0"), _day(1, "50"), _day(2, "0.00"), _day(3, "0")]
    assert cash_runs_out(spent) == (2, 0)  # it ran out on day 2, none to the end


def test_the_verdict_names_the_cash_run_out_day_in_both_languages(run: RunResult) -> None:
    found = verdict(run)
    assert (found.cash_runs_out, found.cash_window) == cash_runs_out(run.days)
    for language, opening in (("en", "The cash"), ("zh", "现金")):
        told = verdict_lines(found, Translator(language))
        assert told[-1].startswith(opening)
        falling = replace(found, cash_runs_out=400, cash_window=30)  # day index 400
        assert "401" in verdict_lines(falling, Translator(language))[-1]
        ran_out = replace(found, cash_runs_out=0, cash_window=0)  # the first day
        said = verdict_lines(ran_out, Translator(language))[-1]
        assert ("第 1 天" if language == "zh" else "day 1:") in said, said


def test_the_verdict_says_who_paid_in_for_no_point(tmp_path: Path) -> None:
    """Minting paused from day 20 and never resumed: every later order put its
    contribution into the pool and minted nothing. No promise is broken, yet those buyers
    hold no claim on what they paid; the verdict says how many and how much, and its box
    is not green. Counted here from a replay of the run's own events."""
    from zengzhi.engine.engine import Outcome  # noqa: PLC0415
    from zengzhi.engine.replay import replay  # noqa: PLC0415
    from zengzhi.engine.wire import to_line  # noqa: PLC0415
    from zengzhi.sim.run import Simulation  # noqa: PLC0415

    chosen = scenario(events=[{"day": 20, "pause": True}])
    simulation = Simulation(chosen, 5, record=True)
    run = simulation.run()
    assert simulation.recorded is not None
    nothing: list[int] = []

    def seen(outcome: Outcome) -> None:
        nothing.extend(m.contribution for m in outcome.minted if m.contribution and not m.points)

    replay([to_line(event) for event in simulation.recorded], chosen.tenant, on_outcome=seen)
    assert len(nothing) > 100  # 20 of 40 days' orders
    found = verdict(run)
    assert found.unclaimed_orders == len(nothing)
    assert Decimal(found.unclaimed) == Decimal(sum(nothing)) / 100
    told = verdict_lines(found, EN)
    assert any(
        f"{len(nothing):,} orders put {money(found.unclaimed)} into the pool" in line
        for line in told
    )
    page = write_report(tmp_path, [run], chosen, "text").read_text()
    assert ("#b45309" if found.kept else "#b91c1c") in page  # amber, or red if short
    zh = verdict_lines(found, Translator("zh"))
    assert any("谁白付了钱" in line for line in zh)
    calm = verdict(simulate(scenario()))  # minting all along: no such line
    assert calm.unclaimed_orders == 0
    assert not any("for nothing" in line for line in verdict_lines(calm, EN))


def test_the_findings_count_weeks_and_days_from_one() -> None:
    """cohorts.csv numbers join weeks from 0 (week 0 is days 0–6, daily.csv's indexes);
    the findings said 第 0 周 and "joined after day 6" of the first week. People count
    the first week as 第 1 周 / week 1 and its last day as day 7."""
    from types import SimpleNamespace  # noqa: PLC0415

    from zengzhi.sim.report import _cohort_findings  # noqa: PLC0415

    def cohort(week: int, exited: int, median: int | None) -> dict[str, object]:
        return {
            "join_week": week,
            "members": 10,
            "exited": exited,
            "exited_share": str(Decimal(exited) / 10),
            "days_to_exit_median": median,
        }

    run = SimpleNamespace(cohorts=[cohort(0, 6, 12), cohort(1, 0, None), cohort(2, 0, None)])
    for language, after, week in (
        ("zh", "第 7 天以后加入的会员", "是第 1 周加入的"),
        ("en", "joined after day 7 ", "joined in week 1."),
    ):
        lines = _cohort_findings(run, Translator(language))  # type: ignore[arg-type]
        told = "\n".join(lines)
        assert after in told and week in told, told
        assert "第 0 周" not in told and "week 0" not in told, told
