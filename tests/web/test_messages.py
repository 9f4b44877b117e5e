"""Every sentence the code raises or the lint finds has its Chinese (zh.toml's
`[message]` table): the test reads the source for each message written where a
DomainError, `invalid(…)` or a lint Finding is made, as the English sentence with
{0}, {1}… for its values, and fails naming any sentence with no translation. Then
messages made from those sentences come out in Chinese with their values, and in
English unchanged."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from zengzhi.core.errors import DomainError
from zengzhi.i18n import Translator, messages

SOURCE = Path(__file__).parents[2] / "src" / "zengzhi"
# where the message is among a call's positional arguments
MESSAGE_AT = {"DomainError": 1, "invalid": 1}
FINDING = {"error", "warning", "info"}  # Finding.error(field, code, message) …
VALUE = re.compile(r"\{\d+\}")


def sentence(node: ast.expr) -> str | None:
    """A message literal or f-string as the catalogue keys it: values as {0}, {1}…"""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    parts, n = [], 0
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        else:
            parts.append(f"{{{n}}}")
            n += 1
    return "".join(parts)


def raised() -> dict[str, str]:
    """Every message sentence written in the source, with where it is written."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in FINDING:
                if not (isinstance(f.value, ast.Name) and f.value.id == "Finding"):
                    continue
                at = 2
            elif isinstance(f, ast.Name) and f.id in MESSAGE_AT:
                at = MESSAGE_AT[f.id]
            else:
                continue
            if len(node.args) > at and (text := sentence(node.args[at])) is not None:
                found.setdefault(text, f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def test_every_message_the_code_raises_has_its_chinese() -> None:
    written = raised()
    assert len(written) > 150  # the reader found the messages, not nothing
    chinese = messages("zh")
    missing = sorted(f"{where}: {text}" for text, where in written.items() if text not in chinese)
    assert missing == []


def test_each_translation_has_the_values_of_its_sentence() -> None:
    for english, chinese in messages("zh").items():
        assert sorted(VALUE.findall(english)) == sorted(VALUE.findall(chinese)), english
        assert chinese != english and re.search(r"[\u4e00-\u9fff]", chinese), english


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "cannot withdraw 500.00: the wallet holds 422.44",
            "无法提现 ¥500.00：零钱余额只有 ¥422.44",
        ),
        ("unknown member m9", "未知会员 m9"),
        ("unknown withdrawal w-1", "未知提现 w-1"),  # not "unknown {0} {1}"
        ("union.lock_days: must not be negative", "union.lock_days: 不能为负数"),
        (
            "the ads mode has no end date: seed 002: 每个活动设置一定周期，不要一个模式玩一年以上",
            "ads 模式没有结束日期：种子文章 002：每个活动设置一定周期，不要一个模式玩一年以上",
        ),
        ("something the catalogue has not heard of", "something the catalogue has not heard of"),
    ],
)
def test_a_message_is_read_back_into_its_sentence(english: str, chinese: str) -> None:
    assert Translator("zh").message(english) == chinese
    assert Translator("en").message(english) == english


def test_a_refused_role_reads_in_chinese_whole() -> None:
    """The 403 of every role and permission names both in Chinese (it read
    'integrator 角色无权 decide withdrawals' to an integrator asking in zh-CN)."""
    from zengzhi.i18n import translate_message  # noqa: PLC0415
    from zengzhi.service.auth import Permission, Principal, Role  # noqa: PLC0415

    for role in Role:
        for permission in Permission:
            try:
                Principal("t", "user:x", role).require(permission)
            except DomainError as refused:
                said = translate_message("zh", refused.message)
                assert not re.search(r"[A-Za-z]", said), said
