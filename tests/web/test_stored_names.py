"""Names stored for programs, shown to people in their language: every action the
service writes to the audit log has an `[audit_action]` entry, and every account name
`core/accounts.py` builds reads as words (i18n/accounts.py), in both languages."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from zengzhi.core import accounts
from zengzhi.core.lifecycles import ORDER, WITHDRAWAL
from zengzhi.i18n import Translator, catalogue
from zengzhi.rules.distribution import CONTRIBUTION, CONVERTED, SHARES
from zengzhi.rules.modes.common import MODES, asset

SERVICE = Path(__file__).resolve().parents[2] / "src" / "zengzhi" / "service"
# the actions written from parts, and what those parts can be
BUILT = {
    "{lifecycle.what}.{lifecycle.steps[step].target.value}": {
        f"{lifecycle.what}.{step.target.value}"
        for lifecycle in (ORDER, WITHDRAWAL)
        for step in lifecycle.steps.values()
    },
    "{kind}.put": {"product.put", "store.put", "zone.put"},  # service/catalog.py's kinds
}


def _constants(node: ast.expr) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def audit_actions() -> set[str]:
    """The actions the service's modules write: the argument of each `uow.audit(…)`, and
    of each function's parameter named `action` (`_audit`, `configure_pool`), given or
    by default, and the actions built from parts."""
    trees = [(path.name, ast.parse(path.read_text())) for path in SERVICE.rglob("*.py")]
    place = {"audit": 1}  # a function → where its action is among the arguments
    found: set[str] = set()
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [arg.arg for arg in node.args.args]
                if "action" in names:
                    place[node.name] = names.index("action")
                named = names[len(names) - len(node.args.defaults) :]
                for arg, default in zip(named, node.args.defaults, strict=True):
                    if arg == "action":
                        found |= _constants(default)
    for module, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            given = [k.value for k in node.keywords if k.arg == "action"]
            if name in place and len(node.args) > place[name]:
                given.append(node.args[place[name]])
            for action in given:
                if isinstance(action, ast.JoinedStr):
                    text = ast.unparse(action)[2:-1]
                    assert text in BUILT, (module, text)  # a new way to build one
                    found |= BUILT[text]
                elif not isinstance(action, ast.Name):  # a variable: its values are above
                    found |= _constants(action)
    return found


def test_every_audit_action_is_in_both_catalogues() -> None:
    actions = audit_actions()
    assert {"withdrawal.approved", "order.reversed", "pool.pause", "member.create"} <= actions
    for language in ("zh", "en"):
        missing = sorted(a for a in actions if f"audit_action.{a}" not in catalogue(language))
        assert missing == [], language


def _every_account() -> list[str]:
    """Each name core/accounts.py builds (its constants, and each builder with ids)."""
    names = [
        v for k, v in vars(accounts).items() if k.isupper() and isinstance(v, str) and ":" in v
    ]
    for name, builder in vars(accounts).items():
        if inspect.isfunction(builder) and not name.endswith(("_owner", "_prefix")):
            parameters = inspect.signature(builder).parameters
            ids = {"into": "cash", "mode": "union", "zone": "club", "pool": "main"}
            names.append(builder(*(ids.get(p, "u1") for p in parameters)))
    return [name for name in names if not name.startswith("PTS:")]  # an asset, not an account


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_account_reads_as_words(language: str) -> None:
    t = Translator(language)
    names = _every_account()
    assert {"platform:profit", "member:u1:wallet", "pool:main", "mode:club:union:reserve"} <= set(
        names
    )
    for name in names:
        shown = t.account(name)
        assert shown != name and "{" not in shown and ":" not in shown, (name, shown)
    assert Translator("zh").account("member:u1:wallet") == "会员 u1 的零钱"
    assert Translator("en").account("platform:profit") == "platform profit"
    assert t.account("somewhere:else") == "somewhere:else"  # no known shape: as it is
    # what a member owes an account names the account (it read "会员 A 欠
    # platform:shopping_discounts" on an order's page)
    zh = Translator("zh")
    assert zh.account("member:A:owes:platform:shopping_discounts") == "会员 A 欠 积分抵扣"
    owed = zh.account("member:A:owes:mode:club:union:reserve")
    assert owed.startswith("会员 A 欠 ") and ":" not in owed, owed


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_asset_reads_as_words(language: str) -> None:
    """What a ledger amount counts, as the order page shows it beside the amount."""
    t = Translator(language)
    modes = [asset("club", mode) for mode in MODES]  # a mode's promises: `UNION:club`
    for name in (accounts.points_asset("main"), CONTRIBUTION, SHARES, CONVERTED, *modes):
        shown = t.asset(name)
        assert shown != name and "{" not in shown and ":" not in shown, (name, shown)
    assert Translator("zh").asset("PTS:main") == "积分（main）"
    assert Translator("en").asset("PTS:gold") == "points (gold)"
    assert Translator("zh").asset("UNION:club") == "工会排队（club）"
    assert Translator("en").asset("REFUND:z1") == "refer three, refund one (z1)"
    assert t.asset("OTHER") == "OTHER"  # unknown: as it is


# what an audit action's Chinese starts with: the verb of what was done
ACTION_VERBS = [
    "授予",
    "创建",
    "吊销",
    "兑换",
    "修改",
    "绑定",
    "注册",
    "签发",
    "注销",
    "改派",
    "转移",
    "卖出",
    "完成",
    "计入",
    "设置",
    "更新",
    "开设",
    "暂停",
    "恢复",
    "补贴",
    "导入",
    "重发",
    "发送",
    "申请",
    "批准",
    "驳回",
    "提交",
    "记录",
    "支付",
    "取消",
    "退还",
    "冲正",
    "保存",
    "撤销",  # a WeChat Pay transfer withdrawn (撤销转账, WeChat Pay's own word)
]


def test_the_audit_actions_in_chinese_are_said_in_one_form() -> None:
    """The audit log read 订单已冲正 beside 拒绝提现: a state (已…) next to an action. Each
    action is said as what was done, verb first (冲正订单, 驳回提现), as the console's
    buttons say it; none as a state or a passive (已, 了, 被) or a noun (积分池补贴)."""
    chinese = {
        key: text for key, text in catalogue("zh").items() if key.startswith("audit_action.")
    }
    assert len(chinese) >= len(audit_actions())
    assert [text for text in chinese.values() if re.search("[已了被]", text)] == []
    assert [text for text in chinese.values() if not text.startswith(tuple(ACTION_VERBS))] == []
