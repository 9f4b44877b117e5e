"""What a simulation writes: CSV tables, PNG and SVG charts, and a one-page HTML report
whose findings are computed from the results (never canned text).

Files are written so that the same results always give the same bytes: sorted rows,
fixed formats, no timestamps in the charts.
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from zengzhi.i18n import Translator, catalogue
from zengzhi.i18n import format as fmt
from zengzhi.sim.run import RunResult
from zengzhi.sim.scenario import Scenario
from zengzhi.sim.verdict import Verdict, verdict, write_verdict
from zengzhi.sim.verdict_text import (
    below_smallest,
    mode_title,
    percent_text,
    said_day,
    swept_name,
    verdict_lines,
)

plt.rcParams.update(
    {
        "svg.hashsalt": "zengzhi",
        "figure.dpi": 100,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        # Chinese titles need a CJK face (Debian's fonts-noto-cjk); Latin falls back
        "font.sans-serif": [
            "Noto Sans CJK SC",
            "Noto Serif CJK SC",
            "WenQuanYi Zen Hei",
            "DejaVu Sans",
        ],
    }
)

LABELS = ("parameter", "value", "run")


def _number(text: str) -> Decimal:
    return Decimal(text) if text else Decimal(0)


def _groups(results: Sequence[RunResult]) -> dict[str, list[RunResult]]:
    """Runs grouped by swept value ("" without a sweep), in plan order."""
    groups: dict[str, list[RunResult]] = {}
    for result in results:
        groups.setdefault(result.label.get("value", ""), []).append(result)
    return groups


# ---------------------------------------------------------------------------- tables


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    if not rows:
        path.write_text("")
        return
    columns = list(rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue())


def _labelled(result: RunResult, row: dict[str, Any]) -> dict[str, Any]:
    return {**{key: result.label[key] for key in LABELS if key in result.label}, **row}


def percentile(values: list[Decimal], share: Fraction) -> Decimal:
    """The nearest-rank percentile: the smallest value at or below which at least `share`
    of the values lie (the cohorts' quantile reads the same way). Of 10 runs the 10th
    percentile is the lowest and the 90th the 9th, so the band is symmetric; of two the
    median is the lower."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


SHARES = (Fraction(1, 10), Fraction(1, 2), Fraction(9, 10))


def bands(runs: list[RunResult], column: str) -> list[tuple[Decimal, Decimal, Decimal] | None]:
    """(p10, median, p90) of a daily column across runs, day by day, over the runs that
    have a figure that day: a blank coverage (nothing promised) is no coverage of 0%;
    None on a day none of them has one."""
    found: list[tuple[Decimal, Decimal, Decimal] | None] = []
    for day in range(len(runs[0].days)):
        values = [Decimal(text) for run in runs if (text := run.days[day][column]) != ""]
        low, mid, high = (percentile(values, share) for share in SHARES) if values else (None,) * 3
        found.append(None if low is None or mid is None or high is None else (low, mid, high))
    return found


def write_tables(out: Path, results: Sequence[RunResult]) -> list[str]:
    _write_csv(out / "daily.csv", [_labelled(r, row) for r in results for row in r.days])
    _write_csv(out / "cohorts.csv", [_labelled(r, row) for r in results for row in r.cohorts])
    _write_csv(out / "runs.csv", [_labelled(r, r.summary) for r in results])
    files = ["daily.csv", "cohorts.csv", "runs.csv"]
    if len(results) > 1:
        rows = []
        for value, runs in _groups(results).items():
            columns = {name: bands(runs, name) for name in ("price", "pool", "exits", "coverage")}
            for day in range(len(runs[0].days)):
                row: dict[str, Any] = {"value": value} if value else {}
                row["day"] = day
                for name, series in columns.items():
                    low, mid, high = series[day] or ("", "", "")
                    row |= {f"{name}_p10": low, f"{name}_p50": mid, f"{name}_p90": high}
                rows.append(row)
        _write_csv(out / "bands.csv", rows)
        files.append("bands.csv")
    return files


# ---------------------------------------------------------------------------- charts


def _save(figure: Figure, out: Path, name: str) -> None:
    figure.tight_layout()
    figure.savefig(out / f"{name}.png", metadata={"Software": None})
    figure.savefig(out / f"{name}.svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)


def _pixels(values: Sequence[Decimal | None]) -> list[float]:
    """Charts are drawn in floating point; the figures behind them never are. None (a
    blank figure: no coverage where nothing is promised) is a gap in the line, not 0."""
    return [float("nan") if value is None else float(value) for value in values]


def _figure(text: str, scale: int = 1) -> Decimal | None:
    return Decimal(text) * scale if text != "" else None


def _series(run: RunResult, column: str, scale: int = 1) -> list[float]:
    return _pixels([_figure(row[column], scale) for row in run.days])


def _line_chart(
    out: Path,
    name: str,
    title: str,
    ylabel: str,
    results: Sequence[RunResult],
    column: str,
    scenario: Scenario,
    t: Translator,
    scale: int = 1,
) -> None:
    figure, axes = plt.subplots(figsize=(8, 3.6))
    for value, runs in _groups(results).items():
        days = _day_axis(runs[0])
        label = _legend(scenario, value, t)
        if len(runs) > 1:
            found = bands(runs, column)
            low, mid, high = (
                _pixels([None if band is None else band[n] * scale for band in found])
                for n in range(3)
            )
            axes.fill_between(days, low, high, alpha=0.2)
            axes.plot(days, mid, label=f"{label} (p50, p10–p90)".strip())
        else:
            axes.plot(days, _series(runs[0], column, scale), label=label or None)
    axes.set_title(title)
    axes.set_xlabel(t("report.day"))
    axes.set_ylabel(ylabel)
    from_zero(axes)
    if len(_groups(results)) > 1 or len(results) > 1:
        axes.legend(loc="best", frameon=False)
    _save(figure, out, name)


def _day_axis(run: RunResult) -> range:
    """A chart's days as people count them, from 1 (第 1 天 is the run's first day, as the
    words say it); the data files number them from 0 (docs/simulator.md, "Days")."""
    return range(1, len(run.days) + 1)


def from_zero(axes: Any) -> None:
    """The y axis starts at zero (every series here is a price, money, a count or a
    share, never below it): a 0.06-point rise is drawn as the small change it is, not
    as a cliff across the whole height."""
    axes.set_ylim(bottom=0)


def _legend(scenario: Scenario, value: str, t: Translator) -> str:
    if not value or scenario.sweep is None:
        return ""
    return f"{swept_name(scenario.sweep.parameter, t)} = {value}"


def write_charts(
    out: Path, results: Sequence[RunResult], scenario: Scenario, t: Translator | None = None
) -> list[str]:
    t = t or Translator("en")
    _line_chart(
        out,
        "price",
        t("report.price_title"),
        t("report.price_axis"),
        results,
        "price",
        scenario,
        t,
    )
    first = _groups(results)
    figure, axes = plt.subplots(figsize=(8, 3.6))
    for value, runs in first.items():
        run = runs[0]
        days = _day_axis(run)
        label = _legend(scenario, value, t)
        axes.plot(days, _series(run, "pool"), label=f"{t('report.pool_line')} {label}".strip())
        axes.plot(
            days,
            _series(run, "liability"),
            linestyle="--",
            label=f"{t('report.promised_line')} {label}".strip(),
        )
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"¥{value:,.0f}"))
    axes.set_title(t("report.pool_title"))
    axes.set_xlabel(t("report.day"))
    axes.set_ylabel(t("report.yuan"))
    from_zero(axes)
    axes.legend(loc="best", frameon=False)
    _save(figure, out, "pool")

    figure, axes = plt.subplots(figsize=(8, 3.6))
    for value, runs in first.items():
        run = runs[0]
        exits = [_number(row["exits"]) for row in run.days]
        running: list[Decimal] = []
        total = Decimal(0)
        for count in exits:
            total += count
            running.append(total)
        axes.plot(_day_axis(run), _pixels(running), label=_legend(scenario, value, t) or None)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(t("report.exits_title"))
    axes.set_xlabel(t("report.day"))
    axes.set_ylabel(t("report.exits_axis"))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    from_zero(axes)
    if len(first) > 1:
        axes.legend(loc="best", frameon=False)
    _save(figure, out, "exits")

    figure, axes = plt.subplots(figsize=(8, 3.6))
    run = results[0]
    weeks = sorted(run.exit_curves)
    shown = [week for week in (0, 4, 13, 26, 39) if week in run.exit_curves] or weeks[:1]
    for week in shown:
        curve = _pixels([Decimal(share) * 100 for share in run.exit_curves[week]])
        axes.plot(range(len(curve)), curve, label=t("report.joined_week", week=week + 1))
    axes.set_title(t("report.cohorts_title"))
    axes.set_xlabel(t("report.cohorts_x"))
    axes.set_ylabel(t("report.cohorts_axis"))
    axes.set_ylim(0, 100)
    if shown:  # no order, no cohort: nothing to name
        axes.legend(loc="best", frameon=False)
    _save(figure, out, "cohorts")

    _line_chart(
        out,
        "coverage",
        t("report.coverage_title"),
        t("report.coverage_axis"),
        results,
        "coverage",
        scenario,
        t,
        scale=100,
    )
    return ["price", "pool", "exits", "cohorts", "coverage", *_mode_charts(out, results[0], t)]


def _mode_charts(out: Path, run: RunResult, t: Translator) -> list[str]:
    """What each companion mode owes against its reserve, and its coverage, over time."""
    names = mode_names(run)
    if not names:
        return []
    days = _day_axis(run)
    figure, axes = plt.subplots(figsize=(8, 3.6))
    for name in names:
        (line,) = axes.plot(
            days,
            _series(run, f"{name}_owed"),
            label=t("findings.mode_owes", mode=mode_title(name, t)),
        )
        axes.plot(
            days,
            _series(run, f"{name}_reserve"),
            linestyle="--",
            color=line.get_color(),
            label=t("findings.mode_reserve", mode=mode_title(name, t)),
        )
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"¥{value:,.0f}"))
    axes.set_title(t("findings.modes_title"))
    axes.set_xlabel(t("report.day"))
    axes.set_ylabel(t("report.yuan"))
    axes.legend(loc="best", frameon=False)
    _save(figure, out, "modes")
    figure, axes = plt.subplots(figsize=(8, 3.6))
    for name in names:
        axes.plot(
            days,
            _series(run, f"{name}_coverage", 100),
            label=mode_title(name, t),  # in words (专区 club 的工会排队模式), not union@club
        )
    axes.set_title(t("findings.mode_coverage_title"))
    axes.set_xlabel(t("report.day"))
    axes.set_ylabel(t("findings.mode_coverage_axis"))
    axes.legend(loc="best", frameon=False)
    _save(figure, out, "mode_coverage")
    return ["modes", "mode_coverage"]


def mode_names(run: RunResult) -> list[str]:
    """The companion modes a run has figures for ("union@u"…), in table order."""
    return [column[: -len("_owed")] for column in run.summary if column.endswith("_owed")]


# ---------------------------------------------------------------------------- findings


def _share(part: int, whole: int) -> str:
    """A percentage, with two decimals when it is small enough to round to nothing."""
    if whole == 0:  # as the verdict writes a share of nothing: 0.0%, never 0%
        return percent_text(Decimal(0))
    return percent_text(Decimal(part) * 100 / Decimal(whole))


def _yuan(amount: Decimal) -> str:
    return fmt.money(str(amount.quantize(Decimal("0.01"))))


def _price(price: Decimal) -> str:
    """A point price as the figures table shows it: ¥ and its 4 places."""
    return fmt.money(str(price))


def _pct(value: Decimal) -> str:
    """A percentage already times 100, rounded down: 25.12 → "25.1%", 0.0625 → "0.06%"
    (a shortfall never reads 100%)."""
    return percent_text(value)


def findings(results: Sequence[RunResult], scenario: Scenario, t: Translator) -> list[str]:
    """Plain-language statements, each computed from the results, in the reader's
    language (the catalogue's `findings.` keys), amounts with ¥."""
    said: list[str] = []
    groups = _groups(results)
    for value, runs in groups.items():
        prefix = t("findings.prefix", legend=_legend(scenario, value, t)) if value else ""
        run = runs[0]
        summary = run.summary
        first, last = Decimal(summary["price_first"]), Decimal(summary["price_last"])
        days = summary["days"]
        # rounded down as every share the report states: ×4.21 for 4.2184, not ×4.22
        growth = (last / first).quantize(Decimal("0.01"), ROUND_DOWN) if first else Decimal(0)
        said.append(
            prefix
            + t(
                "findings.price",
                first=_price(first),
                last=_price(last),
                days=f"{days:,}",
                growth=f"{growth:.2f}",
            )
        )
        members, exited = summary["members"], summary["members_exited"]
        said.append(
            prefix
            + t(
                "findings.exited",
                exited=f"{exited:,}",
                members=f"{members:,}",
                share=_share(exited, members),
                days=f"{days:,}",
            )
        )
        said.extend(prefix + line for line in _cohort_findings(run, t))
        spend = Decimal(summary["spend"])
        paid = Decimal(summary["paid_to_members"])
        held = Decimal(summary["held_at_sale_rate"])
        if spend:
            said.append(
                prefix
                + t(
                    "findings.spent",
                    spend=_yuan(spend),
                    paid=_yuan(paid),
                    paid_share=_share(int(paid * 100), int(spend * 100)),
                    held=_yuan(held),
                    together=_share(int((paid + held) * 100), int(spend * 100)),
                )
            )
        rewarded = Decimal(summary.get("rewards") or 0)
        cut = sum((Decimal(row.get("rewards_cut") or 0) for row in run.days), Decimal(0))
        if cut and not rewarded:  # every reward the rates owed was cut: say so
            said.append(prefix + t("findings.rewards_all_cut", cut=_yuan(cut)))
        if rewarded:
            said.append(
                prefix
                + t(
                    "findings.rewards_cut" if cut else "findings.rewards",
                    rewarded=_yuan(rewarded),
                    members=f"{summary['members_rewarded']:,}",
                    top=_pct(Decimal(summary["rewards_top_1pct"]) * 100),
                    cut=_yuan(Decimal(cut)),
                )
            )
        said.extend(prefix + line for line in _mode_findings(run, t))
        promise = Decimal(summary["liability"])
        pool = Decimal(summary["pool"])
        if spend:
            said.append(
                prefix + t("findings.pool_share", share=_share(int(pool * 100), int(spend * 100)))
            )
        if promise:
            said.append(
                prefix
                + t(
                    "findings.promise" if pool < promise else "findings.promise_covered",
                    promise=_yuan(promise),
                    pool=_yuan(pool),
                    coverage=_pct(pool / promise * 100),
                )
            )
        if len(runs) > 1:
            finals = [Decimal(r.summary["price_last"]) for r in runs]
            shares = [Decimal(r.summary["exited_share"]) * 100 for r in runs]
            said.append(
                prefix
                + t(
                    "findings.runs",
                    runs=len(runs),
                    low=_price(percentile(finals, Fraction(1, 10))),
                    high=_price(percentile(finals, Fraction(9, 10))),
                    exited_low=_pct(percentile(shares, Fraction(1, 10))),
                    exited_high=_pct(percentile(shares, Fraction(9, 10))),
                )
            )
    if len(groups) > 1 and scenario.sweep is not None:
        # each value's median run (of one run, that run): the first run alone of several
        # is no more the value's than any other
        half = Fraction(1, 2)
        parts = [
            t(
                "findings.compared_part",
                value=value,
                exited=_pct(
                    percentile([Decimal(r.summary["exited_share"]) * 100 for r in runs], half)
                ),
                price=_price(percentile([Decimal(r.summary["price_last"]) for r in runs], half)),
            )
            for value, runs in groups.items()
        ]
        runs_each = len(next(iter(groups.values())))
        said.append(
            t(
                "findings.compared" if runs_each == 1 else "findings.compared_median",
                parameter=swept_name(scenario.sweep.parameter, t),
                parts=t("findings.separator").join(parts),
                runs=runs_each,
            )
        )
    return [below_smallest(line, t) for line in said]


def _mode_findings(run: RunResult, t: Translator) -> list[str]:
    lines = []
    summary = run.summary
    for name in mode_names(run):
        mode = name.split("@")[0]
        paid = Decimal(summary[f"{name}_paid"])
        owed = Decimal(summary[f"{name}_owed"])
        reserve = Decimal(summary[f"{name}_reserve"])
        what = mode_title(name, t)
        verb = "findings.mode_redeemed" if mode == "shopping" else "findings.mode_paid"
        line = t(verb, what=what, paid=_yuan(paid), owed=_yuan(owed))
        if owed:
            backed = summary[f"{name}_backed"] in (True, "True")
            # "the rest" only where there is a rest: a reserve holding what it owes has none
            if reserve >= owed:
                key = "findings.mode_covered"
            else:
                key = "findings.mode_backed" if backed else "findings.mode_unbacked"
            line = t(
                key,
                line=line,
                reserve=_yuan(reserve),
                coverage=_pct(reserve / owed * 100),
            )
        else:
            line = t("findings.mode_settled", line=line)
        lines.append(line)
    return lines


def _cohort_findings(run: RunResult, t: Translator) -> list[str]:
    lines: list[str] = []
    cohorts = run.cohorts
    if not cohorts:
        return lines
    first = cohorts[0]
    median = first["days_to_exit_median"]
    share = _pct(Decimal(first["exited_share"]) * 100)
    # the first week anyone joined in: week 1 unless nobody did (one order a year)
    key = "first_week" if first["join_week"] == 0 else "first_cohort"
    week = first["join_week"] + 1  # 第 1 周 first
    lines.append(
        t(f"findings.{key}_half", share=share, median=median, week=week)
        if median
        else t(f"findings.{key}_stayed", share=share, week=week)
    )
    exiting = [c for c in cohorts if c["exited"] > 0]
    if exiting:
        last = exiting[-1]["join_week"]
        later = [c for c in cohorts if c["join_week"] > last]
        if later:
            lines.append(
                t(
                    "findings.nobody_after",
                    day=said_day(7 * last + 6),  # week `last`'s last day
                    members=f"{sum(c['members'] for c in later):,}",
                )
            )
    else:
        lines.append(t("findings.no_cohort"))
    half = [c for c in cohorts if c["days_to_exit_median"]]
    if half:
        lines.append(t("findings.last_half", week=half[-1]["join_week"] + 1))  # 第 1 周 first
    return lines


# ---------------------------------------------------------------------------- the page


YUAN_COLUMNS = (
    "spend",
    "paid_to_members",
    "held_at_sale_rate",
    "pool",
    "liability",
    "contributed_minting_nothing",
)
YUAN_SUFFIXES = ("_paid", "_owed", "_reserve", "rewards", "wallets")
RATIO_SUFFIXES = ("_share", "_1pct", "_coverage")


def figure_text(column: str, value: Any, t: Translator) -> str:
    """A summary figure as people read it: ¥ and grouped digits on amounts, ratios as
    percentages, counts grouped, yes or no and a dash for none in the reader's language;
    the exact text underneath is unchanged."""
    text = str(value)
    if text in ("True", "False"):
        return t("figure.yes" if text == "True" else "figure.no")
    if not text:
        return t("figure.none")
    if column in YUAN_COLUMNS or column.endswith(YUAN_SUFFIXES):
        return fmt.money(text)
    if column.endswith(RATIO_SUFFIXES):
        return fmt.percent(text)
    if column.startswith("price"):
        return "¥" + text
    return fmt.grouped(text)


FIGURE_LABELS = (
    "days", "orders", "members", "spend", "paid_to_members", "held_at_sale_rate",
    "members_exited", "members_holding", "exited_share", "price_first", "price_last", "pool",
    "points",
    "liability", "orders_minting_nothing", "contributed_minting_nothing", "ledger_entries",
    "rewards", "members_rewarded", "rewards_top_1pct", "wallets",
)  # fmt: skip
MODE_FIGURES = ("paid", "owed", "reserve", "coverage", "backed")


def figure_label(column: str, t: Translator) -> str:
    """A summary figure's row label in the reader's language ("union@club_owed": what
    the union queue of zone club still owes); an unknown column is shown as it is."""
    if column in FIGURE_LABELS:
        return t(f"figure.{column}")
    name, _, part = column.rpartition("_")
    if "@" in name and part in MODE_FIGURES:
        mode, zone = name.split("@", 1)
        label = t(f"mode_name.{mode}") if t.has(f"mode_name.{mode}") else mode
        return t(f"figure.mode_{part}", mode=label, zone=zone)
    return column


_ENGLISH = catalogue("en")


def _words(text: str) -> str:
    return " ".join(text.split())


def shipped_words(scenario: Scenario, t: Translator) -> tuple[str, str]:
    """The scenario's name and description for the report's reader: a shipped scenario
    (its name and description the English catalogue's `scenario.<key>` and
    `scenario_description.<key>`, as the file has them) in `t`'s language; any other
    (an upload, a shipped one edited) in its own words. A Chinese report read "Flat order
    flow" and its English description."""
    for key, name in _ENGLISH.items():
        stem = key.removeprefix("scenario.")
        if stem == key or name != scenario.name:
            continue
        described = _ENGLISH.get(f"scenario_description.{stem}")
        if described is not None and _words(described) == _words(scenario.description or ""):
            return t(key), t(f"scenario_description.{stem}")
    return scenario.name, scenario.description or ""


def write_report(
    out: Path,
    results: Sequence[RunResult],
    scenario: Scenario,
    scenario_text: str,
    language: str = "en",
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    t = Translator(language)
    tables = write_tables(out, results)
    charts = write_charts(out, results, scenario, t)
    # a folder used before keeps what that report wrote and this one does not (a sweep's
    # bands.csv beside one run's tables): gone, so that the folder is this report's
    written = {*tables, *(f"{chart}.png" for chart in charts)}
    for stale in {"bands.csv", *(f"{chart}.png" for chart in CHART_TITLES)} - written:
        (out / stale).unlink(missing_ok=True)
    said = findings(results, scenario, t)
    summary = results[0].summary
    found = verdict(results[0])
    write_verdict(out, found)  # the console shows it in its own reader's language
    told = verdict_lines(found, t)
    name, description = shipped_words(scenario, t)
    rows = "".join(
        f"<tr><th>{html.escape(figure_label(str(k), t))}</th>"
        f'<td class="n">{html.escape(figure_text(k, v, t))}</td></tr>'
        for k, v in summary.items()
    )
    pictures = "".join(
        f'<p><img src="{name}.png" alt="{html.escape(t(CHART_TITLES[name]))}"></p>'
        for name in charts
    )
    page = f"""<!doctype html>
<html lang="{"zh-CN" if t.language == "zh" else "en"}"><head><meta charset="utf-8">
<title>{html.escape(t("report.title", name=name))}</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
        padding: 0 1rem; color: #1b1b1b; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.2rem; margin-top: 2rem; }}
img {{ max-width: 100%; }} table {{ border-collapse: collapse; }}
th, td {{ text-align: left; padding: .15rem .8rem .15rem 0; border-bottom: 1px solid #ddd; }}
pre {{ background: #f5f5f5; padding: 1rem; overflow: auto; font-size: 13px; }}
li {{ margin: .3rem 0; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
#verdict {{ border: 2px solid {_verdict_colour(found)};
            border-radius: 8px; padding: .5rem 1rem; }}
</style></head><body>
<h1>{html.escape(name)}</h1>
<section id="verdict" aria-labelledby="verdict-heading">
<h2 id="verdict-heading">{html.escape(t("report.verdict_heading"))}</h2>
<ul>{"".join(f"<li>{html.escape(line)}</li>" for line in told)}</ul>
</section>
<p>{html.escape(description)}</p>
<p>{html.escape(t("report.runs", runs=len(results), days=f"{summary['days']:,}"))}</p>
<h2>{html.escape(t("report.findings"))}</h2>
<ul>{"".join(f"<li>{html.escape(line)}</li>" for line in said)}</ul>
<h2>{html.escape(t("report.charts"))}</h2>
{pictures}
<h2>{html.escape(t("report.figures"))}</h2>
<table>{rows}</table>
<h2>{html.escape(t("report.tables"))}</h2>
<ul>{"".join(f'<li><a href="{name}">{name}</a></li>' for name in tables)}</ul>
<h2>{html.escape(t("report.scenario"))}</h2>
<pre>{html.escape(scenario_text)}</pre>
</body></html>
"""
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


CHART_TITLES = {
    "price": "report.price_title",
    "pool": "report.pool_title",
    "exits": "report.exits_title",
    "cohorts": "report.cohorts_title",
    "coverage": "report.coverage_title",
    "modes": "findings.modes_title",
    "mode_coverage": "findings.mode_coverage_title",
}  # each chart's picture is described by its title, in the reader's language


def _verdict_colour(found: Verdict) -> str:
    """Red when a promise is not kept; amber when none is broken but buyers paid in for no
    point (a green box would say all is well); green otherwise."""
    if not found.kept:
        return "#b91c1c"
    return "#b45309" if found.unclaimed_orders else "#15803d"
