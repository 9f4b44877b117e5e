"""Every visible string of the console and the member page, in Chinese and English.

The catalogues are TOML files beside this module (`en.toml`, `zh.toml`), with the same
keys; a template asks for `t("config.saved", id=…)`. The language is the one the
person chose (a cookie), else the best of their browser's Accept-Language.

What the service and the configuration lint say (a refusal's message, a finding) is
written in English where it is raised; `zh.toml`'s `[message]` table gives each such
sentence in Chinese, keyed by the English with `{0}`, `{1}`… for its values, and
`t.message(text)` finds the sentence a message was made from, takes its values and
writes them into the translation (a value that is itself a catalogued sentence is
translated too). A translation's `{1:mode_name}` writes value 1 as the catalogue's
table `mode_name` names it (`refer_three` → 推三返一, the one name a mode has on every
page), and as it is when the table does not hold it. `tests/web/test_messages.py` finds
every message the code raises and fails when one has no Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from zengzhi.engine.config import read_toml
from zengzhi.i18n.accounts import account_name, mode_of_asset, pool_of_points
from zengzhi.i18n.format import grouped, places

LANGUAGES = ("zh", "en")
DEFAULT = "en"
HERE = Path(__file__).parent


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat |= _flatten(value, f"{name}.")
        else:
            flat[name] = str(value)
    return flat


MESSAGES = "message"  # the table of the service's sentences, keyed by their English
_VALUE = re.compile(r"\{(\d+)\}")


@cache
def _load(language: str) -> dict[str, Any]:
    return read_toml((HERE / f"{language}.toml").read_text(encoding="utf-8"))


@cache
def catalogue(language: str) -> dict[str, str]:
    return _flatten({k: v for k, v in _load(language).items() if k != MESSAGES})


@cache
def messages(language: str) -> dict[str, str]:
    """The service's sentences in `language`, keyed by the English (empty for English)."""
    return dict(_load(language).get(MESSAGES, {}))


@cache
def _patterns(language: str) -> list[tuple[re.Pattern[str], str]]:
    """Each sentence as a pattern that reads its values back out of a message; the
    most specific first (more fixed text), so "unknown member {0}" wins over
    "unknown {0} {1}"."""
    found = []
    for english, translated in messages(language).items():
        parts = _VALUE.split(english)  # text, index, text, index, …, text
        pattern = "".join(
            re.escape(part) if n % 2 == 0 else f"(?P<v{part}>.+?)" for n, part in enumerate(parts)
        )
        fixed = sum(len(part) for part in parts[::2])
        found.append((fixed, re.compile(pattern, re.S), translated))
    found.sort(key=lambda item: -item[0])
    return [(pattern, translated) for _, pattern, translated in found]


_SLOT = re.compile(r"(¥?)\{(\d+)(?::([a-z_]+))?\}")  # ¥{0}, {0}, {0:mode_name}
_PLAIN = re.compile(r"\d+(\.\d+)?")
# a value the English quotes as Python does ('1e3', "it's", "12.50"): in Chinese between
# Chinese quotation marks (“1e3”), as Chinese text quotes, not ASCII ones
# a value quoted as Python's repr() quotes it, cut with "…" after it when it was long
_QUOTED = re.compile(r"(?:'([^']*)'|\"([^\"]*)\")(…?)", re.S)
CODE = "code"  # `{0:code}`: a value that is code the reader types (TOML's "12.50"), kept


def chinese_quotes(value: str) -> str:
    """`value`, if it is wholly one quoted text ('1e3', "12.50", '字字…' cut long as
    '字字'…), between “ and ”."""
    found = _QUOTED.fullmatch(value)
    if found is None:
        return value
    inner = found.group(1) if found.group(1) is not None else found.group(2)
    return f"“{inner}{found.group(3)}”"


def _fill(language: str, sentence: str, values: Mapping[str, str]) -> str:
    """The sentence with its values; an amount after ¥ grouped as the page writes figures
    (零钱余额只有 ¥1,100.00, beside a wallet shown as ¥1,100.00, not ¥1100.00); a value
    in a slot that names a table (`{0:mode_name}`) as that table names it; in Chinese a
    quoted value between Chinese quotation marks (请填写数字，例如 “12.50”（当前值：“1e3”）),
    but in a `{0:code}` slot as it is."""

    def slot(found: re.Match[str]) -> str:
        value = values[found.group(2)]
        if found.group(3) == CODE:
            return value
        if language == "zh":
            value = chinese_quotes(value)
        if found.group(3):
            return catalogue(language).get(f"{found.group(3)}.{value}", value)
        if found.group(1) and _PLAIN.fullmatch(value):
            # with its two places at least, as every amount on the page (a minimum kept
            # as typed, 100, read 最低提现金额为 ¥100)
            return "¥" + grouped(places(value, 2))
        return found.group(1) + value

    return _SLOT.sub(slot, sentence)


_TABLE_SLOT = re.compile(r"\{(\d+):([a-z_]+)\}")  # {0:mode_name}: a value a table names


def _named(text: str, depth: int = 0) -> str:
    """`text` in English with each value that the Chinese sentence writes through a table
    (`{0:mode_name}`) written as the English catalogue's table names it: "the refer_three
    mode has no end date" read 推三返一模式没有结束日期 in Chinese and kept the mode's
    code in English. Only those values change; a value the table does not hold stays."""
    for pattern, translated in _patterns("zh"):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        slots = sorted(
            (match.span(f"v{n}"), match.group(f"v{n}"), table)
            for n, table in _TABLE_SLOT.findall(translated)
        )
        out, last = [], 0
        for (start, end), value, table in slots:
            out += [text[last:start], catalogue(DEFAULT).get(f"{table}.{value}", value)]
            last = end
        return "".join(out) + text[last:]
    where, colon, rest = text.partition(": ")
    if colon and " " not in where and depth == 0:
        return f"{where}: {_named(rest, depth + 1)}"
    return text


def translate_message(language: str, text: str, depth: int = 0) -> str:
    """`text` (a message the code wrote in English) in `language`; as it is when no
    catalogued sentence makes it. A message prefixed with where it belongs
    ("union.lock_days: must not be negative") keeps the prefix. In English, a mode the
    message names by its code is named as the pages name it (`_named`)."""
    if not text or depth > 2:
        return text
    if language == DEFAULT:
        return _named(text) if depth == 0 else text
    whole = messages(language).get(text)
    if whole is not None:
        return whole
    for pattern, translated in _patterns(language):
        match = pattern.fullmatch(text)
        if match is not None:
            values = {
                k[1:]: translate_message(language, v, depth + 1)
                for k, v in match.groupdict().items()
            }
            return _fill(language, translated, values)
    where, colon, rest = text.partition(": ")
    if colon and " " not in where and depth == 0:
        said = translate_message(language, rest, depth + 1)
        where = chinese_quotes(where) if language == "zh" else where
        return f"{where}{colon_between(language, where, said)}{said}"
    return text


_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def colon_between(language: str, before: str, after: str) -> str:
    """The colon after a name (a field, a pool, a withdrawal's id) and before what is said
    of it: in Chinese the full-width "：" where Chinese text meets it on either side, as
    every catalogued sentence writes it (`union.lock_days：不能为负数`, not `: `), and after a
    name between Chinese quotation marks (“order.created”：order.created 不是…); else ": "."""
    chinese = _CHINESE.match(after[:1]) or _CHINESE.match(before[-1:]) or before.endswith("”")
    return "：" if language == "zh" and chinese else ": "


class Translator:
    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT
        self._strings = catalogue(self.language)

    def __call__(self, key: str, **values: object) -> str:
        text = self._strings.get(key)
        if text is None:  # a missing string is a bug the tests catch; show its key
            return key
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._strings

    def message(self, text: str) -> str:
        """A message from the service or the lint, in this language."""
        return translate_message(self.language, text)

    def quoted(self, value: str) -> str:
        """A value shown beside a message (a field's refused entry, '订单完成'): in Chinese
        between Chinese quotation marks when it is quoted (`chinese_quotes`)."""
        return chinese_quotes(value) if self.language == "zh" else value

    def colon(self, after: str, before: str = "") -> str:
        """The colon between a name (as `quoted` shows it) and what is said of it
        (`colon_between`)."""
        return colon_between(self.language, self.quoted(before), after)

    def named(self, table: str, name: str) -> str:
        """A stored name (an audit action, a movement's kind) as the catalogue's `table`
        says it; a name it does not hold, as it is."""
        key = f"{table}.{name}"
        return self(key) if self.has(key) else name

    def account(self, name: str) -> str:
        """A ledger account's name for people (i18n/accounts.py)."""
        return account_name(name, self, self.has)

    def asset(self, name: str) -> str:
        """What a ledger amount counts (`PTS:main`: the points of pool main; `CONTRIB`:
        contribution; `UNION:club`: what zone club's union queue promised) for people; an
        asset the catalogue does not know, as it is."""
        pool = pool_of_points(name)
        if pool is not None:
            return self("asset.points", pool=pool)
        mode = mode_of_asset(name)
        if mode is not None:
            return self("asset.mode", mode=self(f"mode_name.{mode[0]}"), zone=mode[1])
        return self.named("asset", name)


def from_accept_language(header: str | None) -> str:
    """The first of our languages in an Accept-Language header, by its q-value."""
    if not header:
        return DEFAULT
    ranked: list[tuple[int, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1000
        params = params.strip()
        if params.startswith("q="):
            digits = params[2:].strip()
            whole, _, fraction = digits.partition(".")
            if not (whole.isdigit() and (fraction.isdigit() or not fraction)):
                continue
            weight = int(whole) * 1000 + int(fraction[:3].ljust(3, "0") or "0")
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else DEFAULT
