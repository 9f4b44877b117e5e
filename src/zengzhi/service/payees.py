"""Payees: where a member's withdrawals are paid — the real name and the account a
gateway pays (a WeChat openid, an Alipay account, a bank card).

The real name and account are encrypted at rest (one Fernet token, `payee_keys.py`);
what is read back through the API is masked. Before a withdrawal is approved for a
payout that needs them (the tenant's `withdrawals.require_payee`, or a WeChat Pay or
Alipay adapter), the member must have a payee, of the adapter's method, and a verified
real name (`real_name_verified` on the member): else the approval is refused naming the
field (`payee`, `payee.method` or `real_name_verified`). See docs/payments.md.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Annotated, Literal, NamedTuple

from cryptography.fernet import InvalidToken
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import Connection

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.fields import VISIBLE, Label, visible
from zengzhi.service import payee_keys
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command, found, not_found, query
from zengzhi.service.tenants import load_settings
from zengzhi.store.members import MemberRow, Members
from zengzhi.store.payees import PayeeRow, Payees, sealed_adapters, sealed_payees
from zengzhi.store.payments import Adapters
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.withdrawals import Withdrawals

log = logging.getLogger("zengzhi.payees")

Method = Literal["wechat", "alipay", "bank"]
# A payee's real name and bank are names people read (masked on the console, sent to the
# gateway with each payout): visible text, as a member's name is (a NUL answered 500 on
# PostgreSQL, a U+202E reordered the masked name shown).
RealName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Field(json_schema_extra={"pattern": VISIBLE}),
    AfterValidator(visible),
]
# Sent to the gateway and shown masked: no space, and visible (a NUL, a U+202E or a
# zero-width space was kept and shown in the masked account)
Account = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=128, pattern=r"^\S+$"),
    AfterValidator(visible),
]


class PayeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Method = Field(description="wechat (an openid), alipay (an account), bank")
    real_name: RealName = Field(description="the account holder's legal name")
    account: Account = Field(
        description="the WeChat openid in the platform's app, the Alipay login (phone or"
        " e-mail) or user id, or the bank card number"
    )
    bank: Label | None = Field(default=None, description="bank: the bank's name")


class PayeeView(BaseModel):
    member: str
    method: str
    real_name: str  # masked: 张*
    account: str  # masked: oUpF…eS6o, 138****5678
    real_name_verified: bool  # the member's
    updated_at: datetime


class Payee(BaseModel):
    """A payee in clear, for an adapter paying it (never answered through the API)."""

    member: str
    method: str
    real_name: str
    account: str
    bank: str | None


def mask_name(name: str) -> str:
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_account(account: str) -> str:
    if "@" in account:  # an e-mail: the first letter and the domain
        local, _, domain = account.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(account) <= 6:
        return "*" * (len(account) - 2) + account[-2:]
    return f"{account[:3]}****{account[-4:]}"


def _view(row: PayeeRow, verified: bool) -> PayeeView:
    return PayeeView(
        member=row.member_id,
        method=row.method,
        real_name=row.masked_name,
        account=row.masked_account,
        real_name_verified=verified,
        updated_at=row.updated_at,
    )


def _member(connection: Connection, tenant: str, member: str, lock: bool = False) -> MemberRow:
    """The member; `lock`: held against a change of the member (`Members.steady`)."""
    members = Members(connection, tenant)
    return found(members.steady(member) if lock else members.get(member), "member", member)


def _row(connection: Connection, tenant: str, member: str, lock: bool = False) -> PayeeRow | None:
    return Payees(connection, tenant).get(member, lock)


_WHO_SETS_PAYEES = (
    "a payee decides where the member's money is paid: it is set by a role that may"
    " withdraw for the member (the owner, the integrator's key)"
)


def set_payee(context: Context, principal: Principal, member: str, request: PayeeIn) -> PayeeView:
    """Set (or replace) a member's payee. The audit log keeps the masked values only.
    The payee is where the member's withdrawals are paid, and one at or under the
    auto-approval limit is approved and paid with no one deciding it: so the payee is set
    only by a role that may withdraw for the member anyway (the owner, the integrator's
    key), not by support, who could otherwise send members' payouts to an account of
    their own without finance seeing one."""
    principal.require(Permission.MEMBERS)
    principal.require(Permission.WITHDRAW, "payee", _WHO_SETS_PAYEES)
    if request.method == "bank" and not request.bank:
        raise DomainError(ErrorCode.INVALID, "a bank payee needs the bank's name", "bank")
    clear = {"real_name": request.real_name, "account": request.account, "bank": request.bank}
    sealed = payee_keys.cipher(context.settings).encrypt(json.dumps(clear).encode()).decode()

    def run(uow: UnitOfWork) -> PayeeView:
        person = _member(uow.connection, uow.tenant, member)
        # the payee locked first: a withdrawal approved as it is requested checks the
        # payee under this lock (`payout_problem(lock=True)`), and is not yet seen below
        before = _row(uow.connection, uow.tenant, member, lock=True)
        if before is not None and _same(context, before, request.method, clear):
            # the same payee sent again (a retried request): nothing changes, nothing is
            # logged (each copy was a `payee.set`), and an approved withdrawal's payee
            # is not changed by it
            return _view(before, person.real_name_verified)
        # an approved withdrawal is paid to the payee it was approved with: changed after
        # finance's decision, it would send the money to an account nobody approved
        approved = Withdrawals(uow.connection, uow.tenant).approved_for(member)
        if approved:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"withdrawal {approved[0]!r} is approved for payout to this payee: it"
                " cannot change until that withdrawal is paid or rejected",
                "payee",
            )
        values = {
            "method": request.method,
            "sealed": sealed,
            "masked_name": mask_name(request.real_name),
            "masked_account": mask_account(request.account),
            "updated_at": uow.now,
            "updated_by": principal.actor,
        }
        payees = Payees(uow.connection, uow.tenant)
        payees.put(member, before is not None, values)
        view = _view(
            found(payees.get(member), "payee of member", member, "payee"), person.real_name_verified
        )
        uow.audit(
            principal.actor,
            "payee.set",
            f"member:{member}",
            before=_view(before, person.real_name_verified).model_dump(mode="json")
            if before
            else None,
            after=view.model_dump(mode="json"),
        )
        return view

    return command(context, principal, run)


def get_payee(context: Context, principal: Principal, member: str) -> PayeeView:
    principal.require(Permission.READ)

    def run(connection: Connection) -> PayeeView:
        person = _member(connection, principal.tenant, member)
        row = _row(connection, principal.tenant, member)
        if row is None:
            raise not_found("payee of member", member, "payee")
        return _view(row, person.real_name_verified)

    return query(context, run)


# the adapters that pay a named account themselves, and the payee method each pays
GATEWAY_METHODS = {"wechat": "wechat", "alipay": "alipay"}


class PayoutNeeds(NamedTuple):
    """What an approval needs of the member: a payee (its `withdrawals.require_payee`,
    or an adapter that pays an account) of `method` (None: any), a verified real name."""

    payee: bool
    method: str | None
    real_name: bool


def payout_requirement(connection: Connection, tenant: str) -> PayoutNeeds:
    """The tenant's needs, as its rules and adapter stand. `withdrawals.require_real_name`
    holds at approval too, not only at the request: a withdrawal asked for before it was
    turned on is not approved for a member still unverified (a payee's real name is
    needed whenever a payee is)."""
    adapter = Adapters(connection, tenant).get()
    method = GATEWAY_METHODS.get("manual" if adapter is None else adapter.adapter)
    rules = load_settings(connection, tenant).withdrawals
    payee = method is not None or rules.require_payee
    return PayoutNeeds(payee, method, payee or rules.require_real_name)


def payout_problem(
    connection: Connection, tenant: str, member: str, lock: bool = False
) -> DomainError | None:
    """Why a withdrawal of `member` may not be approved yet, if the tenant's payouts need
    a payee or a verified real name (payout_requirement). `lock`: the payee and the
    member rows locked until the command commits (an approval: a payee change at that
    moment, which cannot see the approval yet, waits for it and is then refused; a real
    name taken back at that moment is waited for and read)."""
    return needs_problem(connection, tenant, member, payout_requirement(connection, tenant), lock)


def needs_problem(
    connection: Connection, tenant: str, member: str, needs: PayoutNeeds, lock: bool = False
) -> DomainError | None:
    """`payout_problem` for the tenant's `needs`, read once for many members (a page)."""
    if needs.payee:
        return payee_problem(connection, tenant, member, needs.method, lock)
    if needs.real_name:
        return _unverified(_member(connection, tenant, member, lock), member)
    return None


def payee_problem(
    connection: Connection, tenant: str, member: str, method: str | None, lock: bool = False
) -> DomainError | None:
    """Why a withdrawal of `member` cannot be paid out yet (None: it can): no payee, a
    payee of another method than the gateway pays, or a real name not verified."""
    person = _member(connection, tenant, member, lock)
    row = _row(connection, tenant, member, lock)
    if row is None:
        return DomainError(
            ErrorCode.CONFLICT,
            f"member {member!r} has no payee: set the real name and account"
            f" (PUT /v1/members/{member}/payee) before approving",
            "payee",
        )
    if method is not None and row.method != method:
        return DomainError(
            ErrorCode.CONFLICT,
            f"member {member!r} is paid by {row.method}, the payout gateway pays {method}",
            "payee.method",
        )
    return _unverified(person, member)


def _unverified(person: MemberRow, member: str) -> DomainError | None:
    if person.real_name_verified:
        return None
    return DomainError(
        ErrorCode.CONFLICT, f"member {member!r}'s real name is not verified", "real_name_verified"
    )


def _same(context: Context, row: PayeeRow, method: str, clear: dict[str, str | None]) -> bool:
    """Whether the kept payee is `method` and `clear` (one sealed with a key since
    dropped is not known to be: it is set again)."""
    if row.method != method:
        return False
    try:
        kept = json.loads(payee_keys.cipher(context.settings).decrypt(row.sealed.encode()))
    except InvalidToken:
        return False
    return bool(kept == clear)


def payee_in(context: Context, connection: Connection, tenant: str, member: str) -> Payee:
    """A member's payee in clear, for an adapter paying a withdrawal."""
    row = _row(connection, tenant, member)
    if row is None:
        raise not_found("payee of member", member, "payee")
    try:
        clear = json.loads(payee_keys.cipher(context.settings).decrypt(row.sealed.encode()))
    except InvalidToken:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the payee cannot be decrypted with ZENGZHI_PAYEE_KEYS (a key was dropped"
            " before re-encryption?)",
            "payee",
        ) from None
    return Payee(
        member=member,
        method=row.method,
        real_name=clear["real_name"],
        account=clear["account"],
        bank=clear.get("bank"),
    )


def reencrypt(context: Context) -> int:
    """Re-encrypt every payee, and every WeChat Pay or Alipay adapter's keys, with the
    first key (after a new key was put first); how many were. One that no key given
    opens is left as it is and logged (a key dropped too early): the rest go on. Then
    the old key can be dropped from ZENGZHI_PAYEE_KEYS."""
    cipher = payee_keys.cipher(context.settings)

    def rotated(token: str, what: str) -> str | None:
        try:
            return cipher.rotate(token.encode()).decode()
        except InvalidToken:
            log.warning("%s does not decrypt with any key given: left as it is", what)
            return None

    count = 0
    with context.database.write() as connection:
        for payee in sealed_payees(connection):
            sealed = rotated(payee.token, f"payee of {payee.tenant}/{payee.key}")
            if sealed is not None:
                Payees(connection, payee.tenant).change(payee.key, sealed=sealed)
                count += 1
        for adapter in sealed_adapters(connection):
            credentials = rotated(adapter.token, f"payment adapter of {adapter.tenant}")
            if credentials is not None:
                Adapters(connection, adapter.tenant).reseal(credentials)
                count += 1
    return count
