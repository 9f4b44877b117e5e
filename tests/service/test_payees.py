"""Payees: a member's real name and account, encrypted at rest and read back masked;
a withdrawal whose payout needs them is not approved without them nor without a
verified real name, with an error naming the field; the key is rotated without losing a
payee. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import dataclasses
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError
from sqlalchemy import select

from tests.service.conftest import Api
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.core.errors import DomainError
from zengzhi.service import payee_keys, payees, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.service.wallets import WithdrawalRequest
from zengzhi.store import tables as t

ALIPAY = {"method": "alipay", "real_name": "张三丰", "account": "13812345678"}


def sealed(context: Context, tenant: str, member: str) -> str:
    c = t.payees.c
    with context.database.read() as connection:
        return str(
            connection.execute(
                select(c.sealed).where(c.tenant_id == tenant, c.member_id == member)
            ).scalar_one()
        )


def clear(context: Context, tenant: str, member: str) -> payees.Payee:
    with context.database.read() as connection:
        return payees.payee_in(context, connection, tenant, member)


def test_a_payee_is_kept_encrypted_and_shown_masked(api: Api, context: Context) -> None:
    api.member("m1")
    assert api.get("/v1/members/m1/payee").json()["field"] == "payee"  # none yet: 404
    shown = api.ok(api.put("/v1/members/m1/payee", ALIPAY))
    assert {k: shown[k] for k in ("method", "real_name", "account", "real_name_verified")} == {
        "method": "alipay",
        "real_name": "张**",
        "account": "138****5678",
        "real_name_verified": False,
    }
    assert api.ok(api.get("/v1/members/m1/payee")) == shown
    stored = sealed(context, api.tenant, "m1")
    assert "13812345678" not in stored and "张三丰" not in stored
    assert "张三丰".encode() not in stored.encode() and "张三丰" not in repr(stored)
    assert clear(context, api.tenant, "m1").model_dump() == {
        "member": "m1",
        "method": "alipay",
        "real_name": "张三丰",
        "account": "13812345678",
        "bank": None,
    }
    # the audit log keeps the masked values only
    audit = [a for a in api.ok(api.get("/v1/audit-log")) if a["action"] == "payee.set"]
    assert audit and "13812345678" not in str(audit) and "138****5678" in str(audit)
    wechat = {"method": "wechat", "real_name": "李四", "account": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
    assert api.ok(api.put("/v1/members/m1/payee", wechat))["account"] == "oUp****eS6o"
    assert clear(context, api.tenant, "m1").account == wechat["account"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (ALIPAY | {"method": "paypal"}, "method"),
        (ALIPAY | {"real_name": "  "}, "real_name"),
        (ALIPAY | {"account": "a b c d"}, "account"),
        (ALIPAY | {"method": "bank", "account": "6222020200112233445"}, "bank"),
        (ALIPAY | {"extra": 1}, "extra"),
    ],
)
def test_a_bad_payee_is_refused_naming_the_field(
    api: Api, body: dict[str, str], field: str
) -> None:
    api.member("m1")
    refused = api.put("/v1/members/m1/payee", body)
    assert refused.status_code == 422 and refused.json()["field"] == field, refused.text
    assert api.get("/v1/members/m1/payee").status_code == 404  # nothing was kept
    assert api.put("/v1/members/nobody/payee", ALIPAY).json()["field"] == "member"


def test_who_may_set_and_read_a_payee(api: Api) -> None:
    api.member("m1")
    assert api.put("/v1/members/m1/payee", ALIPAY, token=api.as_role("finance")).status_code == 403
    api.ok(api.put("/v1/members/m1/payee", ALIPAY))
    assert api.get("/v1/members/m1/payee", token=api.as_role("support")).status_code == 200


def test_support_may_not_vouch_for_a_real_name(api: Api) -> None:
    """A verified real name opens the member's payouts, as a payee does: support, who
    edits members, may clear it and edit what else it may, but not set it."""
    support = api.as_role("support")
    api.member("m1")
    refused = api.patch("/v1/members/m1", {"real_name_verified": True}, token=support)
    assert (refused.status_code, refused.json()["field"]) == (403, "real_name_verified")
    assert api.ok(api.get("/v1/members/m1"))["real_name_verified"] is False  # nothing changed
    new = {"id": "m2", "real_name_verified": True}
    refused = api.post("/v1/members", new, token=support)
    assert (refused.status_code, refused.json()["field"]) == (403, "real_name_verified")
    assert api.get("/v1/members/m2").status_code == 404
    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))  # the owner vouches
    same = {"name": "张三", "real_name_verified": True}  # the console's form sends it again
    assert api.ok(api.patch("/v1/members/m1", same, token=support))["name"] == "张三"
    cleared = api.ok(api.patch("/v1/members/m1", {"real_name_verified": False}, token=support))
    assert cleared["real_name_verified"] is False  # tightening is anyone's who edits members
    key = api.as_role("integrator")
    assert api.ok(api.post("/v1/members", {"id": "m3", "real_name_verified": True}, token=key))


def test_approval_needs_a_payee_and_a_verified_real_name(api: Api) -> None:
    a_member_with_money(api)
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"require_payee": True}}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    refused = api.post("/v1/withdrawals/w1/approve")
    assert (refused.status_code, refused.json()["field"]) == (409, "payee")
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "held"  # nothing changed
    api.ok(api.put("/v1/members/m1/payee", ALIPAY))
    refused = api.post("/v1/withdrawals/w1/approve")
    assert (refused.status_code, refused.json()["field"]) == (409, "real_name_verified")
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "held"
    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))
    assert api.ok(api.post("/v1/withdrawals/w1/approve"))["status"] == "approved"


def test_auto_approval_waits_for_the_payee(api: Api) -> None:
    a_member_with_money(api)
    api.ok(
        api.put(
            "/v1/tenant/settings",
            {"withdrawals": {"require_payee": True, "auto_approve_limit": "50.00"}},
        )
    )
    held = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "20.00"}))
    assert held["status"] == "held"
    api.ok(api.put("/v1/members/m1/payee", ALIPAY))
    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))
    auto = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w2", "amount": "20.00"}))
    assert auto["status"] == "approved"


def test_dropping_the_payee_requirement_is_a_money_control(api: Api) -> None:
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"require_payee": True}}))
    operator = api.as_role("operator")
    off = {"withdrawals": {"require_payee": False}}
    refused = api.put("/v1/tenant/settings", off, token=operator)
    assert (refused.status_code, refused.json()["field"]) == (403, "withdrawals.require_payee")
    api.ok(api.put("/v1/tenant/settings", off))  # the owner may


def test_a_key_is_rotated_without_losing_a_payee(api: Api, context: Context) -> None:
    api.member("m1")
    api.ok(api.put("/v1/members/m1/payee", ALIPAY))
    old = context.settings.payee_keys
    assert old is not None
    new = Fernet.generate_key().decode()

    def with_keys(keys: str) -> Context:
        settings = context.settings.model_copy(update={"payee_keys": SecretStr(keys)})
        return dataclasses.replace(context, settings=settings)

    only_new = with_keys(new)
    with pytest.raises(DomainError) as lost:
        clear(only_new, api.tenant, "m1")
    assert lost.value.field == "payee"
    both = with_keys(f"{new},{old.get_secret_value()}")
    assert clear(both, api.tenant, "m1").real_name == "张三丰"  # read before re-encryption
    assert payees.reencrypt(both) >= 1
    assert clear(only_new, api.tenant, "m1").account == "13812345678"
    with pytest.raises(DomainError):
        clear(context, api.tenant, "m1")  # the dropped key reads nothing


@pytest.mark.parametrize(
    "keys",
    [
        "",
        "not a key",
        "A" * 43 + "=",
        base64.urlsafe_b64encode(bytes(range(1, 33))).decode() + ",",  # a key, then nothing
        "YWJj" * 11,
    ],
)
def test_settings_refuse_a_weak_or_malformed_key(keys: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(payee_keys=keys)  # type: ignore[arg-type]
    assert "payee_keys" in str(refused.value)


def test_without_a_key_sqlite_makes_one_and_postgresql_refuses(tmp_path: Path) -> None:
    database = tmp_path / "z.db"
    settings = Settings(database_url=f"sqlite:///{database}")
    token = payee_keys.cipher(settings).encrypt(b"x")
    kept = database.with_suffix(".payee-key")
    assert kept.stat().st_mode & 0o777 == 0o600
    assert payee_keys.cipher(Settings(database_url=f"sqlite:///{database}")).decrypt(token) == b"x"
    with pytest.raises(RuntimeError, match="ZENGZHI_PAYEE_KEYS"):
        payee_keys.cipher(Settings(database_url="postgresql+psycopg://db/zengzhi"))


def test_an_approved_withdrawals_payee_stays_until_it_is_paid_or_rejected(api: Api) -> None:
    """Finance approved a payout to one account: nobody (support, an integrator key) can
    send it to another by changing the payee before it is paid (was: the payout read the
    new payee). Rejected or paid, the payee may change again; held, it may (approval
    checks the payee it finds)."""
    a_member_with_money(api)
    api.ok(api.put("/v1/members/m1/payee", ALIPAY))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    other = ALIPAY | {"account": "13900000000"}
    api.ok(api.put("/v1/members/m1/payee", other))  # held: not yet decided
    api.ok(api.put("/v1/members/m1/payee", ALIPAY))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    refused = api.put("/v1/members/m1/payee", other)
    assert (refused.status_code, refused.json()["field"]) == (409, "payee"), refused.text
    assert "w1" in refused.json()["message"]
    assert api.ok(api.get("/v1/members/m1/payee"))["account"] == "138****5678"
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "wrong account"}))
    api.ok(api.put("/v1/members/m1/payee", other))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w2", "amount": "10.00"}))
    api.ok(api.post("/v1/withdrawals/w2/approve"))
    api.ok(api.post("/v1/withdrawals/w2/paid"))
    api.ok(api.put("/v1/members/m1/payee", ALIPAY))


def test_the_same_payee_sent_again_changes_and_logs_nothing(api: Api) -> None:
    """A retried `PUT …/payee` with the same payee logged a `payee.set` each time (20
    copies, 20 records: the races' attack, 2026-12-07), and was refused while a
    withdrawal was approved, as if it changed the account. It answers the payee as it
    is; another account is still a change, refused while a withdrawal is approved."""
    a_member_with_money(api)
    first = api.ok(api.put("/v1/members/m1/payee", ALIPAY))
    for _ in range(3):
        assert api.ok(api.put("/v1/members/m1/payee", ALIPAY)) == first
    logged = [row["action"] for row in api.ok(api.get("/v1/audit-log"))]
    assert logged.count("payee.set") == 1, logged
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    assert api.ok(api.put("/v1/members/m1/payee", ALIPAY)) == first
    other = api.put("/v1/members/m1/payee", ALIPAY | {"real_name": "张三"})
    assert (other.status_code, other.json()["field"]) == (409, "payee"), other.text


def _change_while_approving(
    context: Context, owner: Principal, withdrawal: str, payee: payees.PayeeIn
) -> bool:
    """Approve `withdrawal` and change its member's payee at the same instant; whether
    the change went through."""
    start = threading.Barrier(2)
    changed: list[bool] = []

    def change() -> None:
        start.wait()
        try:
            payees.set_payee(context, owner, "m1", payee)
            changed.append(True)
        except DomainError as error:
            assert error.field == "payee"
            changed.append(False)

    def decide() -> None:
        start.wait()
        wallets.approve(context, owner, withdrawal)

    threads = [threading.Thread(target=change), threading.Thread(target=decide)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(changed) == 1
    return changed[0]


def test_a_payee_change_at_the_moment_of_approval_is_seen_by_one_of_them(
    api: Api, context: Context
) -> None:
    """Approval and a payee change at the same instant: either the change came first
    (and the withdrawal is approved with the new payee) or it is refused; never an
    approval followed by a change (PostgreSQL: the change waits for the approval's row)."""
    a_member_with_money(api)
    owner = Principal(api.tenant, "user:owner", Role.OWNER)  # audited (a system actor is not)
    other = payees.PayeeIn.model_validate(ALIPAY | {"account": "13900000000"})
    for round_ in range(8):
        api.ok(api.put("/v1/members/m1/payee", ALIPAY))
        asked = WithdrawalRequest(id=f"w{round_}", amount="10.00")
        wallets.request_withdrawal(context, owner, "m1", asked)
        changed = _change_while_approving(context, owner, f"w{round_}", other)
        row = api.ok(api.get(f"/v1/withdrawals/w{round_}"))
        assert row["status"] == "approved"
        account = api.ok(api.get("/v1/members/m1/payee"))["account"]
        assert account == ("139****0000" if changed else "138****5678")
        if changed:  # it committed before the approval (audit ids: commit order)
            log = api.ok(api.get("/v1/audit-log", limit=10))
            approval = [e["id"] for e in log if e["action"] == "withdrawal.approved"]
            change_ = [e["id"] for e in log if e["action"] == "payee.set"]
            assert max(change_) < max(approval), log
        api.ok(api.post(f"/v1/withdrawals/w{round_}/paid"))


BANK = {
    "method": "bank",
    "real_name": "张三丰",
    "account": "6222020200112233445",
    "bank": "工商银行",
}


def test_a_payees_names_refuse_hidden_characters(api: Api) -> None:
    """A payee's real name and bank are names people read (masked on the console, sent to
    the gateway with each payout): a NUL in the real name answered 500 on PostgreSQL
    (the masked name, kept in clear, starts with it), and a bidirectional control, a
    zero-width space or a byte-order mark were kept (the console showed '\u202e**')."""
    api.member("m1")
    for field in ("real_name", "bank"):
        for shown, character in {"U+0000": "\x00", "U+202E": "\u202e", "U+200B": "\u200b"}.items():
            for bad in (f"{character}张三", f"张{character}三"):
                refused = api.put("/v1/members/m1/payee", BANK | {field: bad})
                assert refused.status_code == 422, (field, shown, refused.text)
                assert refused.json() == {
                    "code": "invalid",
                    "message": "must not contain control or invisible format characters"
                    f" (found {shown})",
                    "field": field,
                }, (field, shown)
    in_chinese = api.client.put(
        "/v1/members/m1/payee",
        json=BANK | {"real_name": "\ufeff张三"},
        headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh-CN"},
    )
    assert in_chinese.json()["message"] == "不能包含控制字符或不可见的格式字符（发现 U+FEFF）"
    assert api.get("/v1/members/m1/payee").status_code == 404  # nothing was kept
    assert api.ok(api.put("/v1/members/m1/payee", BANK))["real_name"] == "张**"
