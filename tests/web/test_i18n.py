"""Every visible string comes from the catalogues, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zengzhi.i18n import Translator, catalogue, from_accept_language

WEB = Path(__file__).resolve().parents[2] / "src" / "zengzhi" / "web"
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_.]+)["']\s*[,)]""")
PREFIXED = re.compile(r"""\bt\(\s*["']([a-z_.]+\.[a-z_]*)["']\s*~""")
NAMED = re.compile(r"""\bt\.named\(\s*["']([a-z_]+)["']\s*,""")  # a table of stored names


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    english, chinese = catalogue("en"), catalogue("zh")
    assert set(english) == set(chinese)
    for key, text in english.items():
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", chinese[key])), key


def test_every_key_the_pages_ask_for_exists() -> None:
    english = catalogue("en")
    sources = [*WEB.rglob("*.html"), *WEB.rglob("*.py")]
    asked = {key for path in sources for key in LITERAL.findall(path.read_text())}
    assert len(asked) > 200
    assert sorted(asked - set(english)) == []
    for path in sources:  # keys built from a prefix have at least one entry under it
        for prefix in PREFIXED.findall(path.read_text()):
            assert any(key.startswith(prefix) for key in english), (path.name, prefix)
        for table in NAMED.findall(path.read_text()):
            assert any(key.startswith(table + ".") for key in english), (path.name, table)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR,zh-TW;q=0.5", "zh"),
        ("fr-FR", "en"),
        ("zh;q=0, en", "en"),
        ("zh;q=bogus, en;q=0.1", "en"),
    ],
)
def test_the_language_comes_from_accept_language(header: str | None, language: str) -> None:
    assert from_accept_language(header) == language


def test_a_missing_key_shows_itself() -> None:
    assert Translator("zh")("no.such.key") == "no.such.key"
    assert Translator("xx").language == "en"
    assert Translator("en")("config.saved", id="gift") == "Saved gift."
