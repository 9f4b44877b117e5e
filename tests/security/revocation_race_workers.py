"""What the racing processes of tests/security/test_revocation_races.py do: a member's
page token revoked by the shop (process 0) while the member's page, holding the token,
withdraws and sells with it (process 1), each round one member, m{round}, with a token
of its own; and an API key or a user's session revoked while several processes keep it
busy. Each process opens its own context."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from sqlalchemy import func, select

from tests.security.races import answer_of, process_context
from zengzhi.core.errors import DomainError
from zengzhi.service import member_access, members, sessions, users
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import query
from zengzhi.service.member_access import MemberWithdrawalRequest, SaleRequest
from zengzhi.service.members import NewMember
from zengzhi.service.users import UserChange
from zengzhi.store import tables as t

ROUNDS = 6


def _move(number: int, round_: int, kind: str) -> Any:
    if kind == "sell":
        return SaleRequest(id=f"s{round_}-{number}", points="1")
    return MemberWithdrawalRequest(id=f"w{round_}-{number}", amount="1.00")


def read_then_revoked(
    url: str, secret: str, tenant: str, tokens: list[str], kind: str, number: int, barrier: Any
) -> list[str]:
    """The interleaving the guarantee is about, made to happen each round: the page's
    request has read its token (process 1) when the shop's revocation starts and
    returns (process 0); only then does the request write. Process 1 answers what its
    withdrawal (or sale: `kind`) got; process 0 what the revocation said."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    said: list[str] = []
    for round_, token in enumerate(tokens):
        member = f"m{round_}"
        if number == 1:
            signed_in = member_access.read_page_token(context, token)
            barrier.wait(timeout=30)  # the token read: the shop revokes now
            barrier.wait(timeout=30)  # the revocation has returned
            send = member_access.sell if kind == "sell" else member_access.withdraw
            said.append(answer_of(partial(send, context, signed_in, _move(number, round_, kind))))
        else:
            barrier.wait(timeout=30)
            revoked = member_access.revoke_page_tokens(context, owner, member)
            said.append(f"revoked {revoked.revoked}")
            barrier.wait(timeout=30)
    context.database.dispose()
    return said


def _with_token(context: Any, token: str, asked: MemberWithdrawalRequest) -> None:
    """A withdrawal as the server takes it: the token read, then the withdrawal made."""
    member_access.withdraw(context, member_access.read_page_token(context, token), asked)


def free_race(
    url: str, secret: str, tenant: str, tokens: list[str], number: int, barrier: Any
) -> list[list[str]]:
    """Each round, at one instant: the page withdraws again and again with the token,
    each request read and written as the server does (process 1), until refused; the
    shop revokes the token (process 0), and the moment the revocation returns it tries
    the token itself, which must be refused. What each answered, in order."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    said: list[list[str]] = []
    for round_, token in enumerate(tokens):
        member = f"m{round_}"
        answers: list[str] = []
        barrier.wait(timeout=30)
        if number == 1:
            for attempt in range(40):
                asked = MemberWithdrawalRequest(id=f"f{round_}-{attempt}", amount="1.00")
                answers.append(answer_of(partial(_with_token, context, token, asked)))
                if answers[-1] != "ok":
                    break
        else:
            member_access.revoke_page_tokens(context, owner, member)
            answers.append("revoked")
            asked = MemberWithdrawalRequest(id=f"after{round_}", amount="1.00")
            answers.append(answer_of(partial(_with_token, context, token, asked)))
        said.append(answers)
    context.database.dispose()
    return said


BUSY_FOR = 20.0  # seconds a loader keeps sending at most: far past a revocation's wait


def busy_then_revoked(
    url: str, secret: str, tenant: str, token: str, revoke: str, number: int, barrier: Any
) -> tuple[str, int]:
    """A credential (`token`: an API key's, or the signed-in user `op`'s session) kept
    busy by every process but the first, each sending commands with it one after the
    other, authenticated each time as the server does, until one is refused or
    `BUSY_FOR` has passed; process 0 revokes it (`revoke`: "key", or "user": disables
    `op`) once the load has begun. What each process ended with, and how many commands
    it had done: ("refused", n) or ("still going", n); the revoker ("revoked", the
    tenant's last audit number when it began the revocation)."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    if number == 0:
        key = sessions.authenticate(context, token).proof or ""
        time.sleep(1.0)  # the load is on
        a = t.audit_log.c
        last = select(func.max(a.audit_id)).where(a.tenant_id == tenant)
        began = query(context, lambda connection: connection.execute(last).scalar_one())
        if revoke == "key":
            users.revoke_api_key(context, owner, key)
        else:
            users.change_user(context, owner, "op", UserChange(disabled=True))
        context.database.dispose()
        return ("revoked", began)
    done, stop = 0, time.monotonic() + BUSY_FOR
    while time.monotonic() < stop:
        try:
            principal = sessions.authenticate(context, token)
            members.create_member(context, principal, NewMember(id=f"busy{number}-{done}"))
        except DomainError:
            context.database.dispose()
            return ("refused", done)
        done += 1
    context.database.dispose()
    return ("still going", done)


def users_changed_at_once(
    url: str,
    secret: str,
    tenant: str,
    tokens: list[str],
    targets: list[str],
    number: int,
    barrier: Any,
) -> str:
    """Process `number`, signed in with `tokens[number]`, disables `targets[number]` at the
    same instant as the others; what it was answered ("ok" or the refusal's code)."""
    context = process_context(url, secret)
    principal = sessions.authenticate(context, tokens[number])
    barrier.wait(timeout=30)
    change = UserChange(disabled=True)
    said = answer_of(partial(users.change_user, context, principal, targets[number], change))
    context.database.dispose()
    return said
