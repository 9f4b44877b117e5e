"""How figures read on a page: the service's exact decimal strings, grouped for people.

Nothing here parses a figure into a number: grouping digits is done on the text, so a
page shows exactly what the ledger holds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

MINUS = "\u2212"  # "−": a figure's sign as people read it, not the hyphen


def grouped(text: str | None) -> str:
    """ "1234567.89" → "1,234,567.89"; "-1234" → "−1,234" (the minus sign, U+2212, as
    `money` writes it: one sign on every page); None → "—"."""
    if text is None or text == "":
        return "—"
    sign = MINUS if text.startswith("-") else ""
    whole, dot, fraction = text.lstrip("-").partition(".")
    if not whole.isdigit():
        return text
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ",".join(groups) + dot + fraction


def places(text: str | None, least: int) -> str | None:
    """ "1" → "1.00" with `least` 2: a decimal written with at least that many places
    (zeros added on the text; more places are kept as they are)."""
    if text is None or not re.fullmatch(r"-?\d+(\.\d*)?", text):
        return text
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(least, '0')}" if least else text


def amid_chinese(name: str) -> str:
    """A name set inside a Chinese sentence, as Chinese type sets it: a space between it and
    the Chinese words around it only on a side where it is not Chinese itself (您在 local 的积分,
    您在主积分池的积分; not 您在 主积分池 的积分)."""
    if not name:
        return name
    lead = "" if _CHINESE.match(name[0]) else " "
    trail = "" if _CHINESE.match(name[-1]) else " "
    return f"{lead}{name}{trail}"


_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def money(text: str | None) -> str:
    if text is None:
        return "—"
    if text.startswith("-"):
        return MINUS + "¥" + grouped(text[1:])
    return "¥" + grouped(text)


def worth(text: str | None) -> str:
    """A promise in points paid 1 point = 1 yuan (green, ad, shopping points) as the money
    it is: `money` of it, its last two places dropped when they are zeros ("2928.0000" →
    "¥2,928.00"; promises are made in whole fen, so they always are; "0.0050" would stay
    exact)."""
    if text is not None and re.fullmatch(r"-?\d+\.\d\d00", text):
        text = text[:-2]
    return money(text)


def percent(text: str | None) -> str:
    """A ratio as a percentage, exactly: "0.7" → "70%", "1.2345" → "123.45%",
    "0.025" → "2.5%"; None → "—"; a text that is already a percentage stays."""
    if text is None or text == "":
        return "—"
    if text.endswith("%"):
        return text
    sign = MINUS if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return text
    fraction = fraction.ljust(2, "0")
    shifted = (whole + fraction[:2]).lstrip("0") or "0"
    rest = fraction[2:].rstrip("0")
    return f"{sign}{grouped(shifted)}{'.' + rest if rest else ''}%"


def moment(value: datetime | None, zone: tzinfo = UTC) -> str:
    """A time as people read it, in the tenant's time zone with its offset:
    "2026-12-02 14:05 UTC+8" (the service keeps every time in UTC)."""
    if value is None:
        return "—"
    local = value.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {offset(local)}"


def local_time(value: datetime | None, zone: tzinfo = UTC, language: str = "en") -> str:
    """A time for a member: in the platform's zone, as their language writes a date,
    without the offset (consumers read "UTC+8" as noise): "2026年12月2日 14:05",
    "2026-12-02 14:05"."""
    if value is None:
        return "—"
    local = value.astimezone(zone)
    if language == "zh":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


# a duration's units, largest first: seconds in each, and how each language writes it
_UNITS = (
    (86400, {"zh": "{n} 天", "en": "{n} day"}),
    (3600, {"zh": "{n} 小时", "en": "{n} h"}),
    (60, {"zh": "{n} 分", "en": "{n} min"}),
    (1, {"zh": "{n} 秒", "en": "{n} s"}),
)


def duration(seconds: int, language: str = "en") -> str:
    """A number of seconds as people read it: "7 天", "16 分 40 秒"; "7 days",
    "16 min 40 s" (a zone's return window is kept and typed in seconds)."""
    parts = []
    left = max(int(seconds), 0)
    for size, words in _UNITS:
        n, left = divmod(left, size)
        if n:
            said = words.get(language, words["en"]).format(n=n)
            parts.append(said + ("s" if language != "zh" and size == 86400 and n > 1 else ""))
    if not parts:
        return _UNITS[-1][1].get(language, _UNITS[-1][1]["en"]).format(n=0)
    return " ".join(parts)


def offset(local: datetime) -> str:
    """ "UTC", "UTC+8", "UTC+5:30", "UTC-3"."""
    delta = local.utcoffset()
    minutes = int(delta.total_seconds()) // 60 if delta is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def iso(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat()
