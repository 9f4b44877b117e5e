"""Every visible string of the console and the member page, in Chinese and English.

The catalogues are TOML files beside this module (`en.toml`, `zh.toml`), with the same
keys; a template asks for `t("config.saved", id=…)`. The language is the one the
person chose (a cookie), else the best of their browser's Accept-Language.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from zengzhi.engine.config import read_toml

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


@cache
def catalogue(language: str) -> dict[str, str]:
    return _flatten(read_toml((HERE / f"{language}.toml").read_text(encoding="utf-8")))


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
