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

from zengzhi.core.amounts import decimal_text
from zengzhi.core.errors import DomainError
from zengzhi.i18n import Translator, messages

SOURCE = Path(__file__).parents[2] / "src" / "zengzhi"
# where the message is among a call's positional arguments
MESSAGE_AT = {"DomainError": 1, "invalid": 1}
FINDING = {"error", "warning", "info"}  # Finding.error(field, code, message) …
VALUE = re.compile(r"\{(\d+)(?::[a-z_]+)?\}")  # {0}; a translation's {0:mode_name} too


Pieces = tuple[str | None, ...]  # text, and None where a value goes


def _pieces(node: ast.expr) -> Pieces | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if not isinstance(node, ast.JoinedStr):
        return None
    return tuple(
        str(value.value) if isinstance(value, ast.Constant) else None for value in node.values
    )


def _numbered(pieces: Pieces) -> str:
    parts, n = [], 0
    for piece in pieces:
        if piece is None:
            parts.append(f"{{{n}}}")
            n += 1
        else:
            parts.append(piece)
    return "".join(parts)


def sentence(node: ast.expr) -> str | None:
    """A message literal or f-string as the catalogue keys it: values as {0}, {1}…"""
    pieces = _pieces(node)
    return None if pieces is None else _numbered(pieces)


def _made(node: ast.expr, where: ast.AST, module: ast.Module, depth: int = 0) -> list[Pieces]:
    """Every message an expression can make: a literal or f-string; a name assigned one in
    the function (or the module), with what `+=` adds; `a + b`; `a if c else b`; `a or b`;
    a call to a function of the module that returns one. A message built into a variable
    first (a lint finding's `message = f"…"`) escaped the catalogue check: the lint's
    pool.exit_far, pool.dust and modes.static_return findings reached the console in
    English."""
    if depth > 4:
        return []
    if (pieces := _pieces(node)) is not None:
        return [pieces]
    if isinstance(node, ast.IfExp):
        return _made(node.body, where, module, depth + 1) + _made(
            node.orelse, where, module, depth + 1
        )
    if isinstance(node, ast.BoolOp):
        return [p for value in node.values for p in _made(value, where, module, depth + 1)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = (
            _made(node.left, where, module, depth + 1),
            _made(node.right, where, module, depth + 1),
        )
        return [a + b for a in left for b in right]
    if isinstance(node, ast.Name):
        for scope in (where, module):
            assigned, added = [], []
            for n in module.body if scope is module else ast.walk(scope):
                if isinstance(n, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == node.id for t in n.targets
                ):
                    assigned += _made(n.value, scope, module, depth + 1)
                elif (
                    isinstance(n, ast.AugAssign)
                    and isinstance(n.target, ast.Name)
                    and n.target.id == node.id
                ):
                    added += _made(n.value, scope, module, depth + 1)
            if assigned:
                return assigned + [a + b for a in assigned for b in added]
        return []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        for n in module.body:
            if isinstance(n, ast.FunctionDef) and n.name == node.func.id:
                returns = [r.value for r in ast.walk(n) if isinstance(r, ast.Return) and r.value]
                return [p for r in returns for p in _made(r, n, module, depth + 1)]
    return []


def raised() -> dict[str, str]:
    """Every message sentence written in the source, with where it is written."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        module = ast.parse(path.read_text())
        scopes: list[ast.AST] = [module]
        scopes += [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)]
        for scope in scopes:
            for node in ast.walk(scope):
                if not isinstance(node, ast.Call):
                    continue
                f = node.func
                if isinstance(f, ast.Attribute) and f.attr in FINDING:
                    if not (isinstance(f.value, ast.Name) and f.value.id == "Finding"):
                        continue
                    at = 2
                elif isinstance(f, ast.Name) and f.id in MESSAGE_AT:
                    at = MESSAGE_AT[f.id]
                elif isinstance(f, ast.Name) and f.id == "severity":  # Finding.warning or info
                    at = 2
                else:
                    continue
                if len(node.args) > at:
                    for pieces in _made(node.args[at], scope, module):
                        text = _numbered(pieces)
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


# English names a mode by its English name as Chinese does (tests/web/test_english_mode_names.py)
SEED = "seed 002: 每个活动设置一定周期，不要一个模式玩一年以上"
NAMED_IN_ENGLISH = {
    f"the ads mode has no end date: {SEED}": f"the ad-task points mode has no end date: {SEED}"
}


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "cannot withdraw 500.00: the wallet holds 422.44",
            "无法提现 ¥500.00：零钱余额只有 ¥422.44",
        ),
        (  # an amount in yuan is grouped as every figure on the page (¥1,100.00, not ¥1100.00)
            "cannot withdraw 100000.00: the wallet holds 1100.00",
            "无法提现 ¥100,000.00：零钱余额只有 ¥1,100.00",
        ),
        (  # a yuan amount kept as typed in the settings (100) is written as money is
            "the smallest withdrawal is 100",
            "最低提现金额为 ¥100.00",
        ),
        ("unknown member m9", "未知会员 m9"),
        ("unknown withdrawal w-1", "未知提现 w-1"),  # not "unknown {0} {1}"
        ("union.lock_days: must not be negative", "union.lock_days：不能为负数"),
        (  # a mode by its name on every page (mode_name), not its code
            "the ads mode has no end date: seed 002: 每个活动设置一定周期，不要一个模式玩一年以上",
            "广告电商积分模式没有结束日期："
            "种子文章 002：每个活动设置一定周期，不要一个模式玩一年以上",
        ),
        ("zone 'z' runs no dividend mode", "专区 “z” 没有运行dividend模式"),  # not a mode's code
        (  # a TOML number where a decimal string goes: the value is said in Chinese too
            'quota.multiple: must be a decimal string such as "12.50", not the number 2',
            'quota.multiple：必须是加引号的小数，形如 "12.50"，而不是数字 2',
        ),
        (  # the lint's growth factors with words in them
            "a buyer here exits at 2× only once pool 'main' has taken in 1.2 million× what it "
            "held when they bought (orders only, no sales): with a steady flow, the n-th buyer "
            "exits near order over a billion × n. The seeds' 'almost everyone consumes for "
            "free' needs growth (spec 01).",
            "在此购买的会员要等积分池 “main” 收进的资金达到其购买时池内资金的 1.2 百万×（只计订单，"
            "不计卖出）才能按 2× 封顶出局：订单流稳定时，"
            "第 n 位买家约在第 超过十亿 × n 笔订单时出局。"
            "种子文章所说的“几乎人人免费消费”需要持续增长（规范 01）。",
        ),
        ("something the catalogue has not heard of", "something the catalogue has not heard of"),
    ],
)
def test_a_message_is_read_back_into_its_sentence(english: str, chinese: str) -> None:
    assert Translator("zh").message(english) == chinese
    assert Translator("en").message(english) == NAMED_IN_ENGLISH.get(english, english)


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


def _looked_for() -> dict[str, str]:
    """What the service says it did not find (`found(row, "what", key)`,
    `not_found("what", key, field)`), each with where it is written."""
    whats: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            at = {"found": 1, "not_found": 0}.get(node.func.id)
            if at is None or len(node.args) <= at:
                continue
            what = node.args[at]
            if isinstance(what, ast.Constant) and isinstance(what.value, str):
                whats.setdefault(what.value, f"{path.relative_to(SOURCE)}:{node.lineno}")
    return whats


def test_what_was_not_found_is_named_in_chinese() -> None:
    """`/console/webhooks/nosuch` read 未知的webhook subscription 'nosuch': the general
    sentence ("unknown {0} {1}") keeps the thing's English name. Each thing the service
    looks up has its own sentence."""
    whats = _looked_for()
    assert {"member", "order", "webhook subscription"} <= set(whats)  # the reader found them
    english = [
        f"{where}: {said}"
        for what, where in whats.items()
        if what in (said := Translator("zh").message(f"unknown {what} 'x1'"))
    ]
    assert english == []


def decimal_refusal(typed: str) -> str:
    try:
        decimal_text(typed, "amount")
    except DomainError as error:
        return error.message
    raise AssertionError(f"{typed!r} was taken as a decimal")


def test_a_refused_value_is_quoted_as_chinese_says_it() -> None:
    """不能为负数，收到 -1 and 必须小于 1（收到 1000）: 收到 is a word-for-word "got" (收到
    reads as "received", a parcel or a payment). The value is now given as 当前值."""
    zh = Translator("zh")
    assert zh.message("must not be negative, got -1") == "不能为负数（当前值：-1）"
    assert zh.message("must be below 1 (got 1000)") == "必须小于 1（当前值：1000）"
    assert zh.message("must be greater than 0, got 0") == "必须大于 0（当前值：0）"
    assert zh.message("0.001 has more than 2 decimal places") == "最多 2 位小数（当前值：0.001）"
    # what is wanted first, then what was typed (it read '1e3' 不是形如 "12.50" 的小数),
    # each between Chinese quotation marks: it read 例如 "12.50"（当前值：'1e3'）, ASCII
    # quotes (Python's repr) in a Chinese sentence a member reads
    typed = "'1e3' is not a decimal such as \"12.50\""
    assert zh.message(typed) == "请填写数字，例如 “12.50”（当前值：“1e3”）"
    # a long value is cut after 40 characters, the "…" after its repr's quote: it read
    # （当前值：'字字…字'…）, the ASCII quotes left because the "…" followed them
    long = decimal_refusal("字" * 100)
    assert zh.message(long) == f"请填写数字，例如 “12.50”（当前值：“{'字' * 40}…”）"
    said = [chinese for english, chinese in messages("zh").items() if "got {" in english]
    assert said and not [one for one in said if "收到" in one]


# zh sentences whose ASCII quotes are code the reader types (a shell command)
QUOTES_ARE_CODE = {"running on a cluster needs dask: pip install 'zengzhi[cluster]'"}


def test_no_chinese_message_shows_ascii_quotes_around_a_value() -> None:
    """A value the English quotes as Python's repr does ('1e3', "12.50", "it's") is said
    in Chinese between Chinese quotation marks (“1e3”), and no Chinese sentence quotes
    with ASCII ones; but a `{0:code}` slot keeps what the reader types in TOML ("12.50"
    in 必须是加引号的小数)."""
    zh = Translator("zh")
    for english, chinese in messages("zh").items():
        if english in QUOTES_ARE_CODE:
            continue
        assert not re.search("['\"]", re.sub(r"\{\d+:code\}", "", chinese)), chinese
        for quoted in ("'1e3'", '"12.50"', '"it\'s"'):
            message = VALUE.sub(quoted, english)
            said = zh.message(message)
            if not VALUE.search(english) or said == message or ":code}" in chinese:
                continue  # no value, read back as another sentence, or a value that is code
            assert not re.search("['\"](1e3|12\\.50|it's)['\"]", said), (message, said)
            assert "“1e3”" in said or "“12.50”" in said or "“it's”" in said, (message, said)
    assert zh.message('x: must be a decimal string such as "12.50", not the number 2') == (
        'x：必须是加引号的小数，形如 "12.50"，而不是数字 2'
    )
