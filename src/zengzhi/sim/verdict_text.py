"""A simulation's verdict in words, in the reader's language: the report's opening and
the console's simulation result say the same sentences from the same catalogue."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal

from zengzhi.i18n import Translator
from zengzhi.i18n import format as fmt
from zengzhi.sim.verdict import Verdict


def swept_name(parameter: str, t: Translator) -> str:
    """A swept parameter as the reader is told it: its name in the scenario's file
    (`pool.exit_multiple`: exit_multiple), in Chinese after what it is (封顶倍数
    （exit_multiple）): the Chinese report named it in English alone."""
    name = parameter.rsplit(".", maxsplit=1)[-1]
    if not t.has(f"swept.{name}"):
        return name
    return t("swept.named", label=t(f"swept.{name}"), name=name)


def said_day(index: int) -> str:
    """A day of the run as people count it: the run's first day (index 0 in daily.csv,
    verdict.json and a scenario's `[[events]]`) is 第 1 天 / day 1."""
    return f"{index + 1:,}"


def verdict_lines(found: Verdict, t: Translator) -> list[str]:
    """The verdict in the reader's language, amounts with ¥, ratios as percentages, days
    counted from 1 (`said_day`)."""

    days, pool, promised = f"{found.days:,}", fmt.money(found.pool), fmt.money(found.promised)
    lines = [
        t("report.no_promise", days=days, pool=pool)
        if found.coverage is None
        else t(
            "report.kept" if found.kept else "report.not_kept",
            days=days,
            pool=pool,
            promised=promised,
            coverage=_percent(found.coverage),
        )
    ]
    lines += [
        t(
            "report.mode_short",
            mode=_capital(mode_title(short.mode, t)),
            owed=fmt.money(short.owed),
            reserve=fmt.money(short.reserve),
            coverage=_percent(short.coverage),
        )
        for short in found.short_modes
    ]
    lines.append(
        t(
            "report.paid",
            paid=fmt.money(found.paid),
            paid_share=_percent(found.paid_share),
            spend=fmt.money(found.spend),
            exited=f"{found.exited:,}",
        )
    )
    lines.append(t("report.holding", holders=f"{found.holders:,}", held=fmt.money(found.held)))
    if found.unclaimed_orders:
        lines.append(
            t(
                "report.unclaimed",
                orders=f"{found.unclaimed_orders:,}",
                amount=fmt.money(found.unclaimed),
            )
        )
    if found.breaks_on is None:
        lines.append(t("report.never_breaks", days=days))
    elif found.covered_again is not None:  # it broke, and was whole again by the end
        lines.append(
            t(
                "report.breaks_recovered",
                day=said_day(found.breaks_on),
                back=said_day(found.covered_again),
            )
        )
    else:
        lines.append(t("report.breaks", day=said_day(found.breaks_on)))
    if found.cash_out is not None:  # it ran out, and held cash again before the end
        back = said_day(found.cash_back) if found.cash_back is not None else ""
        lines.append(t("report.cash_ran_out_back", day=said_day(found.cash_out), back=back))
    if found.cash_runs_out is None:  # a trend: beside a shortfall, no all-clear
        key = "report.cash_lasts" if found.kept else "report.cash_lasts_short"
        lines.append(t(key, window=found.cash_window))
    else:
        key = "report.cash_runs_out" if found.cash_window else "report.cash_ran_out"
        lines.append(t(key, day=said_day(found.cash_runs_out), window=found.cash_window))
    if found.swept:  # a sweep's first run: say which value, as the findings do
        name, _, value = found.swept.partition(" = ")
        prefix = t("findings.prefix", legend=f"{swept_name(name, t)} = {value}")
        lines = [prefix + line for line in lines]
    return [below_smallest(line, t) for line in lines]


def mode_title(name: str, t: Translator) -> str:
    """A mode's column name ("union@club") as the reader says it: the union queue mode of
    zone club ("*": a tenant-wide mode)."""

    mode, _, zone = name.partition("@")
    label = t(f"mode_name.{mode}")
    if zone == "*":
        return t("findings.mode", mode=label)
    return t("findings.mode_of_zone", mode=label, zone=zone)


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def _percent(ratio: str) -> str:
    """A ratio as a percentage rounded down (a shortfall never reads 100%): one decimal
    ("0.2512" → "25.1%", "0.3" → "30.0%", "0" → "0.0%"), two below 1% ("0.000625" →
    "0.06%"), character for character as the findings say it."""

    return percent_text(Decimal(ratio) * 100)


SMALLEST = Decimal("0.01")


def below_smallest(text: str, t: Translator) -> str:
    """`text` (a sentence of the report's) with each "<0.01%" as the reader's language
    says it in a sentence: 不到 0.01% in Chinese (a "<" sign in Chinese prose reads as
    a formula), "<0.01%" in English."""
    words = t("report.below_smallest", share=f"{SMALLEST}%")
    if words[:1] > "\u2e7f":  # words that start Chinese meet Chinese words with no space
        text = re.sub(rf"(?<=[\u3400-\u9fff]) (?=<{SMALLEST}%)", "", text)
    return text.replace(f"<{SMALLEST}%", words)


def percent_text(share: Decimal) -> str:
    """A percentage (already times 100) as the report says it: rounded down, to one
    decimal, or to two below 1%; a share above nothing but under 0.01% reads "<0.01%"
    (one member of 10,977 exited: "0.00%" said nobody did)."""

    if 0 < share < SMALLEST:
        return f"<{SMALLEST}%"
    places = SMALLEST if 0 < share < 1 else Decimal("0.1")
    return f"{share.quantize(places, ROUND_DOWN)}%"
