"""The member page's side of the service: short-lived member tokens, and use cases that
only ever see the token's own member.

Members do not have passwords here: they sign in to their platform's app, and the
platform (with its API key) asks for a page token for that member. The token is a JWT
signed with a key derived from the session secret, so that it can never pass for a
console session (nor a session for it), and it names one tenant and one member. Every
use case below takes a `Member` and reads or changes that member's rows only.

A sale is quoted by running the very sale in a unit of work that is rolled back: the
quote is what the engine's rules pay, not a second computation of them. Because the
price never falls, a sale confirmed later pays at least the quote, unless an operator
raised the sell fee in between; `min_payout` refuses the sale then.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import jwt
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import Sell, event_id
from zengzhi.engine.fields import Exact, Whole, canonical
from zengzhi.engine.lines import yuan
from zengzhi.rules.withdrawals import refuse_beyond
from zengzhi.service import members, modes, payments, wallets
from zengzhi.service.auth import Permission, Principal, Role, new_session_id
from zengzhi.service.base import Context, applied_once, command, found, query
from zengzhi.service.gateway_credentials import client_for
from zengzhi.service.gateways.wechatpay import WechatPay
from zengzhi.service.members import SaleQuoteRequest, SaleView, SellRequest, sale_view
from zengzhi.service.modes import ModeHolding
from zengzhi.service.queries import members as reads
from zengzhi.service.queries.members import Me, PositionView, me_view
from zengzhi.service.queries.wallets import Movement, WalletView
from zengzhi.service.queries.withdrawals import (
    WithdrawalView,
    debt_settled_on_rejection,
    member_withdrawals,
    waiting_for_the_payee,
)
from zengzhi.service.tenants import load_settings
from zengzhi.service.wallets import WithdrawalRequest
from zengzhi.store import security
from zengzhi.store.members import MemberRow, Members
from zengzhi.store.payments import AdapterRow
from zengzhi.store.uow import UnitOfWork

AUDIENCE = "zengzhi:member-page"
DEFAULT_MINUTES = 30


@dataclass(frozen=True, slots=True)
class Member:
    """A member signed in to the member page: one tenant, one member, nothing else."""

    tenant: str
    member: str
    # the page token's session it was read from (read_page_token): each write the member
    # makes reads it again, locked, in its own transaction (`_still_signed_in`)
    session: str | None = field(default=None, compare=False)

    @property
    def principal(self) -> Principal:
        return Principal(self.tenant, f"member:{self.member}", Role.MEMBER)


def _key(context: Context) -> bytes:
    # A key of its own, derived from the session secret: a member token and a console
    # session can never be taken for each other, even with the same claims.
    secret = context.settings.session_secret().encode()
    return hmac.new(secret, b"zengzhi member page token", hashlib.sha256).digest()


class PageTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: Whole = Field(default=DEFAULT_MINUTES, ge=1, le=24 * 60, description="its lifetime")


class PageToken(BaseModel):
    token: str
    member: str
    expires_at: datetime
    path: str  # the member page's address for it, on this server
    url: str | None = None  # the same, absolute, as the API answers it


# who may issue a member page token: whoever may do, through the API, all its holder may
PAGE_TOKEN = (Permission.MEMBERS, Permission.SELL, Permission.WITHDRAW)
PAGE_TOKEN_WHY = (
    "a member page token lets its holder sell and withdraw for the member: it is issued"
    " by a role that may (the owner, the integrator's key)"
)


def issue_page_token(
    context: Context, principal: Principal, member: str, request: PageTokenRequest
) -> PageToken:
    """A token for one member's page. Whoever issues it may sell and withdraw for the
    member through the API anyway (the owner, the integrator's key); support staff may
    not, so they cannot issue one either. Its session is kept (revocable) and its issue
    is in the audit log. The link carries the token after `#`, which no browser sends to
    a server: it is in no access log, and the page posts it (see web/member.py)."""
    for needed in PAGE_TOKEN:
        principal.require(needed, why=PAGE_TOKEN_WHY)
    session = new_session_id()
    now = context.clock()

    def run(uow: UnitOfWork) -> datetime:
        _member_row(uow.connection, uow.tenant, member)
        expires = uow.now + timedelta(minutes=request.minutes)
        security.open_session(
            uow.connection, uow.tenant, security.MEMBER, member, session, uow.now, expires
        )
        uow.audit(
            principal.actor,
            "member.page_token",
            f"member:{member}",
            after={"session": session[:8], "expires_at": expires.isoformat()},
        )
        return expires

    expires = command(context, principal, run)
    claims = {
        "aud": AUDIENCE,
        "tenant": principal.tenant,
        "member": member,
        "sid": session,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
    }
    token = jwt.encode(claims, _key(context), algorithm="HS256")
    return PageToken(
        token=token, member=member, expires_at=expires, path=f"{ENTER}#token={quote(token)}"
    )


ENTER = "/m/enter"

_EXPIRED = DomainError(
    ErrorCode.UNAUTHORIZED, "this member page link has expired; open it again from the app"
)


@dataclass(frozen=True, slots=True)
class _Claims:
    member: Member
    session: str


def _claims(context: Context, token: str) -> _Claims:
    try:
        claims = jwt.decode(
            token,
            _key(context),
            algorithms=["HS256"],
            audience=AUDIENCE,
            options={"verify_exp": False, "require": ["exp", "tenant", "member", "aud", "sid"]},
        )
    except jwt.PyJWTError:
        raise _EXPIRED from None
    if int(claims["exp"]) <= context.clock().timestamp():
        raise _EXPIRED
    return _Claims(Member(str(claims["tenant"]), str(claims["member"])), str(claims["sid"]))


def read_page_token(context: Context, token: str) -> Member:
    """The member a valid, unexpired, unrevoked token names, or 401."""
    found = _claims(context, token)
    member, now = found.member, context.clock()

    def run(connection: Connection) -> bool:
        return security.session_is_open(
            connection, member.tenant, security.MEMBER, member.member, found.session, now
        ) and Members(connection, member.tenant).exists(member.member)

    if not query(context, run):
        raise _EXPIRED
    return Member(member.tenant, member.member, found.session)


def _still_signed_in(uow: UnitOfWork, member: Member) -> None:
    """Refuse a member's write whose token was revoked (or ran out) since the request
    read it. The token is read once when the request arrives (read_page_token), but the
    write is its own transaction, later: a revocation that returned in between let the
    withdrawal or sale through after it. Here the session's row is read again, `FOR
    SHARE`, first in the write's transaction: a revocation at this moment (an update of
    that row) waits until the write commits, and a write that comes after it waits for
    it and reads the session as revoked (docs/security.md, "Member page tokens")."""
    if member.session is None:  # a Member not made from a token (the service's own tests)
        return
    if not security.session_is_open(
        uow.connection,
        member.tenant,
        security.MEMBER,
        member.member,
        member.session,
        uow.now,
        lock=True,
    ):
        raise _EXPIRED


def sign_out(context: Context, token: str) -> None:
    """The member leaves: the token is refused from now on."""
    found = _claims(context, token)
    member, now = found.member, context.clock()

    def run() -> None:
        with context.database.write() as connection:
            security.revoke_sessions(
                connection, member.tenant, security.MEMBER, member.member, now, found.session
            )

    context.database.retrying(run)


class RevokedTokens(BaseModel):
    member: str
    revoked: int  # page tokens that were still good


def revoke_page_tokens(context: Context, principal: Principal, member: str) -> RevokedTokens:
    """End every page token of a member (a lost phone, a closed account)."""
    principal.require(Permission.MEMBERS)

    def run(uow: UnitOfWork) -> RevokedTokens:
        _member_row(uow.connection, uow.tenant, member)
        count = security.revoke_sessions(
            uow.connection, uow.tenant, security.MEMBER, member, uow.now
        )
        uow.audit(
            principal.actor,
            "member.page_tokens.revoke",
            f"member:{member}",
            after={"revoked": count},
        )
        return RevokedTokens(member=member, revoked=count)

    return command(context, principal, run)


def _member_row(connection: Connection, tenant: str, member: str) -> MemberRow:
    return found(Members(connection, tenant).get(member), "member", member)


def member_command_id(member: str, request_id: str) -> str:
    """The id a member's own request is kept under. Members choose ids for idempotency,
    but share the tenant's id space with the integrator: a digest keeps each member's ids
    apart from everyone else's, so that nobody can take an id another will use."""
    digest = hashlib.sha256(f"{member}\x00{request_id}".encode()).hexdigest()
    return f"me-{digest[:32]}"


# ---------------------------------------------------------------------------- reading


def me(context: Context, member: Member) -> Me:
    return query(context, lambda connection: me_view(connection, member.tenant, member.member))


def positions(context: Context, member: Member) -> list[PositionView]:
    return members.member_positions(context, member.principal, member.member)


def paid_by_pool(context: Context, member: Member) -> dict[str, str]:
    """What each pool paid into the member's wallet (sales and exits, after the fee) and
    no reversal took back."""
    member.principal.require(Permission.READ)
    return query(
        context, lambda connection: reads.paid_by_pool(connection, member.tenant, member.member)
    )


def mode_holdings(context: Context, member: Member) -> list[ModeHolding]:
    """What each companion mode owes the member: claims, queue places, today's ad task."""
    return modes.member_modes(context, member.principal, member.member)


def refer_three_places(context: Context, member: Member) -> list[modes.ReferPackage]:
    """The member's refer-three packages and their places (filled, waiting, emptied)."""
    return modes.member_refer_three(context, member.principal, member.member)


def wallet(context: Context, member: Member) -> WalletView:
    return wallets.wallet(context, member.principal, member.member)


def wallet_history(
    context: Context, member: Member, limit: int, before: int | None
) -> list[Movement]:
    return wallets.wallet_history(context, member.principal, member.member, limit, before)


def debt_history(
    context: Context, member: Member, limit: int, before: int | None
) -> list[Movement]:
    return wallets.debt_history(context, member.principal, member.member, limit, before)


DEBT_LINES = 50


def debt_explained(context: Context, member: Member, owed: str) -> list[Movement]:
    """The debt's movements that make what the member owes now (`owed`), newest first:
    back to when it was last nothing, at most `DEBT_LINES`. Five lines cut the oldest
    debt off, and the lines did not add up to the figure beside them."""
    left = -Yuan(owed).minor  # the debt account's balance now
    if left == 0:
        return []
    lines: list[Movement] = []
    for line in debt_history(context, member, DEBT_LINES, None):
        if left == 0:
            break
        lines.append(line)
        left -= Yuan(line.amount).minor
    return lines


def withdrawals(context: Context, member: Member, limit: int) -> list[WithdrawalView]:
    """The member's withdrawals, newest first."""
    return query(
        context,
        lambda connection: member_withdrawals(connection, member.tenant, member.member, limit),
    )


class TransferToConfirm(BaseModel):
    """A WeChat Pay transfer (商家转账) of the member's withdrawal, waiting for them to
    confirm receiving it, and what their WeChat confirms it with: in a mini program
    `wx.requestMerchantTransfer({mchId, appId, package})`, in WeChat's browser
    `WeixinJSBridge.invoke("requestMerchantTransfer", {mchId, appId, package}, …)`. Once
    confirmed, WeChat Pay pays it and the withdrawal reads `paid` when WeChat Pay says so
    (its notification, or the service's query)."""

    withdrawal: str
    mch_id: str = Field(description="the merchant (商户号) paying")
    app_id: str = Field(description="the app whose openid is paid")
    package: str = Field(description="WeChat Pay's package_info for this transfer")


def waiting_for_me(context: Context, member: Member) -> dict[str, TransferToConfirm | None]:
    """The member's withdrawals waiting for them to confirm receiving the transfer in
    WeChat (queries.withdrawals.waiting_for_the_payee), each with what confirms it; None
    where the tenant's adapter is no longer the WeChat Pay merchant that sent it (nothing
    here can name that merchant now)."""
    member.principal.require(Permission.READ)

    def read(connection: Connection) -> dict[str, TransferToConfirm | None]:
        waiting = waiting_for_the_payee(connection, member.tenant, member.member)
        if not waiting:
            return {}
        merchant = _wechat_merchant(context, payments.adapter_row(connection, member.tenant))
        return {
            withdrawal: None
            if merchant is None
            else TransferToConfirm(
                withdrawal=withdrawal, mch_id=merchant[0], app_id=merchant[1], package=package
            )
            for withdrawal, package in waiting.items()
        }

    return query(context, read)


def _wechat_merchant(context: Context, row: AdapterRow | None) -> tuple[str, str] | None:
    """(mchid, appid) of the tenant's WeChat Pay adapter, if that is its adapter."""
    if row is None or row.adapter != "wechat":
        return None
    try:
        gateway = client_for(context.settings, row)
    except DomainError:  # its credentials no longer decrypt: the operator must see to it
        return None
    assert isinstance(gateway, WechatPay)
    return gateway.config.mchid, gateway.config.appid


def transfer_to_confirm(context: Context, member: Member, withdrawal_id: str) -> TransferToConfirm:
    """What confirms the member's own withdrawal's transfer (`TransferToConfirm`), or a
    refusal: not theirs, or not waiting for them (yet, or any more)."""
    confirm = waiting_for_me(context, member)
    if withdrawal_id not in confirm:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"withdrawal {withdrawal_id!r} has no transfer waiting for your confirmation",
            "withdrawal",
        )
    transfer = confirm[withdrawal_id]
    if transfer is None:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the transfer was sent by a WeChat Pay merchant the tenant no longer uses",
            "withdrawal",
        )
    return transfer


def debt_settled(context: Context, member: Member) -> dict[str, str]:
    """What each rejected withdrawal of the member's paid of a debt instead of going
    back to the wallet (yuan by withdrawal), so that the page says where it went."""
    member.principal.require(Permission.READ)
    return query(
        context,
        lambda connection: debt_settled_on_rejection(connection, member.tenant, member.member),
    )


# ---------------------------------------------------------------------------- selling


class SaleRequest(SellRequest):
    """The member's own sale, as an integrator's (`members.SellRequest`)."""


def quote_sale(context: Context, member: Member, request: SaleQuoteRequest) -> SaleView:
    """What selling would pay now: the sale itself, rolled back."""
    return members.quote_sale(context, member.principal, member.member, request)


def sell(context: Context, member: Member, request: SaleRequest) -> SaleView:
    return sell_once(context, member, request)[0]


def sell_once(context: Context, member: Member, request: SaleRequest) -> tuple[SaleView, bool]:
    """The member's sale, and whether it was made now (False: a repeat of the request,
    which answers what the first sold and sells nothing more)."""
    member.principal.require(Permission.SELL)
    units = members.sale_units(request.points)
    floor = members.floor_of(request)
    command_id = member_command_id(member.member, request.id)

    def run(uow: UnitOfWork) -> tuple[SaleView, bool]:
        _still_signed_in(uow, member)

        def produce() -> dict[str, Any]:
            _member_row(uow.connection, uow.tenant, member.member)
            outcome = uow.apply(
                Sell(event_id("sell", command_id), member.member, request.pool, units, uow.now)
            )
            members.refuse_below(outcome.sales[0], floor)
            view = sale_view(outcome.sales[0])
            members.audit_sale(
                uow,
                member.principal,
                member.member,
                command_id,
                request.pool,
                view.points,
                view.payout,
            )
            return view.model_dump()

        body = {"member": member.member, **canonical(request)}
        made, now = applied_once(uow, command_id, "sell", body, produce)
        return SaleView.model_validate(made), now

    return command(context, member.principal, run)


# ---------------------------------------------------------------------------- withdrawals


class WithdrawalQuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Exact


class MemberWithdrawalRequest(WithdrawalRequest):
    """The member's own withdrawal, as an integrator's (`wallets.WithdrawalRequest`)."""


class WithdrawalQuote(BaseModel):
    amount: str
    fee: str
    payout: str  # what reaches the member's account
    available: str  # the wallet now


def quote_withdrawal(
    context: Context, member: Member, request: WithdrawalQuoteRequest
) -> WithdrawalQuote:
    """The fee and payout of a withdrawal, by the tenant's rules, before asking for it."""
    member.principal.require(Permission.WITHDRAW)
    amount = yuan(request.amount, "amount", positive=True)

    def run(connection: Connection) -> int:
        row = _member_row(connection, member.tenant, member.member)
        rules = load_settings(connection, member.tenant).withdrawals
        return wallets.check_withdrawal(rules, row, amount)

    fee = query(context, run)
    available = Yuan(wallet(context, member).balance)
    refuse_beyond(amount, available.minor)
    return WithdrawalQuote(
        amount=format_minor(amount, 2),
        fee=format_minor(fee, 2),
        payout=format_minor(amount - fee, 2),
        available=str(available),
    )


def withdraw(context: Context, member: Member, request: MemberWithdrawalRequest) -> WithdrawalView:
    return withdraw_once(context, member, request)[0]


def withdraw_once(
    context: Context, member: Member, request: MemberWithdrawalRequest
) -> tuple[WithdrawalView, bool]:
    """The member's withdrawal, and whether it is new (False: a repeat of the request)."""
    made, created = wallets.withdraw_once(
        context,
        member.principal,
        member.member,
        WithdrawalRequest(
            id=member_command_id(member.member, request.id),
            amount=request.amount,
            max_fee=request.max_fee,
        ),
        check=lambda uow: _still_signed_in(uow, member),
    )
    return WithdrawalView.model_validate(made), created
