"""The rows that keep the service safe under attack and under concurrency, in SQL.

Everything here counts or claims in ONE statement the database applies atomically (an
upsert, a key), never by reading a count and writing it back: processes that arrive at
the same moment each see what the ones before them left.

- sign-in attempts (`sign_in_failures`): counted before the password is checked;
- sessions (`sessions`): a token is good only while its row is open;
- rate counters (`rate_limits`): unauthenticated writes a window;
- phone keys (`member_phones`): one account per phone;
- gates (PostgreSQL's advisory locks): a revocation is not starved by the credential's
  own load.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.sql import Select

from zengzhi.store import tables as t
from zengzhi.store.database import advisory_key, hold_advisory, insert_if_absent, upsert
from zengzhi.store.tenanted import of_tenant
from zengzhi.store.tenants import tenants_having

# ---------------------------------------------------------------------------- sign-in


class Attempts(NamedTuple):
    tries: int  # attempts of the window that did not succeed, this one included
    first_at: datetime  # the window's start
    locked_until: datetime | None


def count_attempt(
    connection: Connection, tenant: str, username: str, now: datetime, window: timedelta
) -> Attempts:
    """Count a sign-in attempt, before its password is checked. A window that has
    passed (and holds no lock) starts again at this attempt."""
    f = t.sign_in_failures.c
    fresh = and_(f.first_at <= now - window, or_(f.locked_until.is_(None), f.locked_until <= now))
    row = upsert(
        connection,
        t.sign_in_failures,
        {
            "tenant_id": tenant,
            "username": username,
            "failures": 1,
            "first_at": now,
            "locked_until": None,
        },
        {
            "failures": case((fresh, 1), else_=f.failures + 1),
            "failed": case((fresh, 0), else_=f.failed),
            "first_at": case((fresh, now), else_=f.first_at),
        },
        (f.failures, f.first_at, f.locked_until),
    )
    return Attempts(int(row.failures), row.first_at, row.locked_until)


def count_failure(
    connection: Connection,
    tenant: str,
    username: str,
    first_at: datetime,
    limit: int,
    until: datetime,
) -> bool:
    """The attempt's password was wrong: count it as failed, and lock the user until
    `until` when that makes `limit` failures in the window. Whether it locked."""
    f = t.sign_in_failures.c
    which = (of_tenant(f, tenant)) & (f.username == username) & (f.first_at == first_at)
    failed = connection.execute(
        update(t.sign_in_failures).where(which).values(failed=f.failed + 1).returning(f.failed)
    ).scalar()
    if failed is None or failed < limit:
        return False
    connection.execute(
        update(t.sign_in_failures)
        .where(which, or_(f.locked_until.is_(None), f.locked_until < until))
        .values(locked_until=until)
    )
    return True


def release_attempt(connection: Connection, tenant: str, username: str, first_at: datetime) -> None:
    """A success takes back its own attempt, and nothing else: the failures before it in
    the window stay counted, and a lock stays."""
    f = t.sign_in_failures.c
    connection.execute(
        update(t.sign_in_failures)
        .where(
            of_tenant(f, tenant),
            f.username == username,
            f.first_at == first_at,
            f.failures > 0,
        )
        .values(failures=f.failures - 1)
    )


# ---------------------------------------------------------------------------- sessions

USER = "user"
MEMBER = "member"


def open_session(
    connection: Connection,
    tenant: str,
    kind: str,
    subject: str,
    session: str,
    now: datetime,
    expires: datetime,
) -> None:
    """A new session; the subject's sessions that have ended are forgotten meanwhile."""
    s = t.sessions.c
    connection.execute(
        delete(t.sessions).where(
            of_tenant(s, tenant), s.kind == kind, s.subject == subject, s.expires_at <= now
        )
    )
    connection.execute(
        t.sessions.insert().values(
            tenant_id=tenant,
            session_id=session,
            kind=kind,
            subject=subject,
            issued_at=now,
            expires_at=expires,
        )
    )


# ---------------------------------------------------------------------------- gates
#
# A command reads its credential's row `FOR SHARE` (`proven_role`), so that a revocation
# (an update of that row) waits for the commands already on their way and the ones after
# it read the row revoked. But PostgreSQL grants a new share lock beside the ones held
# even while an update waits for them: eight requests at once with one API key kept its
# revocation waiting as long as they kept coming (6-7 s in an attack, 2026-12-07). So each
# credential has a gate, an advisory lock of its own: a command passes it shared before
# it locks the row, and a revocation closes it (exclusive) before it updates the row.
# PostgreSQL queues a share request behind an exclusive one waiting, so the revocation
# waits only for the commands already through, and the ones after it wait for it and then
# read the row revoked. (SQLite: one writer at a time already.)

KEY = "key"  # an API key's gate; a user's sessions' and a member's: their session kind
# not a credential's: taken by a change that may leave the tenant with fewer owners, so
# that two such changes count the owners one after the other (service/users.py)
OWNERS_COUNTED = ("owners", "")


def gate(tenant: str, kind: str, subject: str) -> str:
    """The name of the gate (an advisory lock: store/database.py) of a credential (an
    API key: `KEY` and its id) or of a subject's sessions (`USER` and the username,
    `MEMBER` and the member's id). Names in any case are one gate (one name in any case)."""
    return f"zengzhi:gate:{tenant}:{kind}:{subject}".lower()


def close_gates(connection: Connection, tenant: str, gates: Iterable[tuple[str, str]]) -> None:
    """Close the gates named (`gate`'s kind and subject) until the transaction ends, in
    one order (two revocations at once over the same gates take them alike)."""
    names = {gate(tenant, kind, subject) for kind, subject in gates}
    for name in sorted(names, key=advisory_key):
        hold_advisory(connection, name)


def session_is_open(
    connection: Connection,
    tenant: str,
    kind: str,
    subject: str,
    session: str,
    now: datetime,
    lock: bool = False,
) -> bool:
    """Whether the session is open now. With `lock` (inside a command that acts for the
    session), its row is read `FOR SHARE`: a revocation (an update of the row) at this
    moment waits for the command to commit, or the command waits for the revocation and
    reads the session as revoked."""
    s = t.sessions.c
    statement = select(s.revoked_at, s.expires_at).where(
        of_tenant(s, tenant), s.session_id == session, s.kind == kind, s.subject == subject
    )
    if lock:
        gated = connection.dialect.name == "postgresql"
        statement = _locked_and_gated(statement, t.sessions)[gated]
    key = advisory_key(gate(tenant, kind, subject))
    row = connection.execute(statement, {"gate": key}).first()
    return row is not None and row.revoked_at is None and row.expires_at > now


class OnFile(NamedTuple):
    """What a request's credential finds when it arrives: the role it holds, the key's
    secret to compare (None for a session), and whether it still works."""

    role: str
    secret_hash: str | None
    works: bool
    refusal: str  # why not, when it does not: "user" (gone or disabled) or "session"


_TENANT: BindParameter[str] = bindparam("tenant")
_K, _S, _U = t.api_keys.c, t.sessions.c, t.users.c
# built once: a request's check runs at every request, and building the statement cost
# about as much as running it (docs/benchmarks.md)
_KEY_ON_FILE = select(_K.role, _K.secret_hash).where(
    of_tenant(_K, _TENANT), _K.key_id == bindparam("key"), _K.revoked_at.is_(None)
)
_SESSION_ON_FILE = (
    select(_U.role, _U.disabled, _S.revoked_at, _S.expires_at)
    .select_from(
        t.users.outerjoin(
            t.sessions,
            and_(
                of_tenant(_S, _TENANT),
                _S.subject == _U.username,
                _S.kind == USER,
                _S.session_id == bindparam("session"),
            ),
        )
    )
    .where(of_tenant(_U, _TENANT), _U.username == bindparam("user"))
)


def key_on_file(connection: Connection, tenant: str, key_id: str) -> OnFile | None:
    """An API key not revoked, in one statement; None if unknown or revoked."""
    row = connection.execute(_KEY_ON_FILE, {"tenant": tenant, "key": key_id}).first()
    return None if row is None else OnFile(row.role, row.secret_hash, True, "")


def session_on_file(
    connection: Connection, tenant: str, username: str, session: str, now: datetime
) -> OnFile | None:
    """A user's session, with the user, in one statement; None if the user is unknown.
    It works while the user is not disabled and the session is open."""
    parameters = {"tenant": tenant, "user": username, "session": session}
    row = connection.execute(_SESSION_ON_FILE, parameters).first()
    if row is None:
        return None
    if row.disabled:
        return OnFile(row.role, None, False, "user")
    is_open = row.expires_at is not None and row.revoked_at is None and row.expires_at > now
    return OnFile(row.role, None, is_open, "" if is_open else "session")


def proven_role(
    connection: Connection, tenant: str, actor: str, proof: str, now: datetime
) -> str | None:
    """The role `actor` still holds by what its request proved itself with (`proof`): an
    API key's id (`key:…`) not revoked, or a user's (`user:…`) session still open and the
    user not disabled; None if no longer. Read `FOR SHARE`, first in a command: a
    revocation (an update of the key's, the session's or the user's row) at this moment
    waits until the command commits, and a command after it waits for it and reads it."""
    kind, _, subject = actor.partition(":")
    parameters: dict[str, Any] = {"tenant": tenant, "proof": proof}
    if kind == "key":
        statement, parameters["gate"] = _PROVEN_KEY, advisory_key(gate(tenant, KEY, proof))
    else:
        statement = _PROVEN_SESSION
        parameters["gate"] = advisory_key(gate(tenant, USER, subject))
        parameters |= {"subject": subject, "now": now}
    gated = connection.dialect.name == "postgresql"
    role = connection.execute(statement[gated], parameters).scalar()
    return None if role is None else str(role)


def _locked_and_gated(statement: Select[Any], *locked: Table) -> tuple[Select[Any], Select[Any]]:
    """`statement` locking `locked`'s rows `FOR SHARE`: as SQLite takes it, and passing
    the gate (the bind parameter `gate`) shared before it, in one statement: the gate's
    CTE is read before a row reaches the lock (PostgreSQL never inlines a volatile CTE)."""
    passed = select(
        func.pg_advisory_xact_lock_shared(bindparam("gate", type_=BigInteger)).label("passed")
    ).cte("passed")
    gated = statement.join(passed, true()).add_columns(passed.c.passed)
    return statement.with_for_update(read=True), gated.with_for_update(read=True, of=list(locked))


_PROVEN_KEY = _locked_and_gated(
    select(_K.role).where(
        of_tenant(_K, _TENANT), _K.key_id == bindparam("proof"), _K.revoked_at.is_(None)
    ),
    t.api_keys,
)
_PROVEN_SESSION = _locked_and_gated(
    select(_U.role)
    .join_from(t.sessions, t.users, _U.username == _S.subject)
    .where(
        of_tenant(_S, _TENANT),
        of_tenant(_U, _TENANT),
        _S.session_id == bindparam("proof"),
        _S.kind == USER,
        _S.subject == bindparam("subject"),
        _S.revoked_at.is_(None),
        _S.expires_at > bindparam("now", type_=_S.expires_at.type),
        _U.disabled.is_(False),
    ),
    t.sessions,
    t.users,
)


def revoke_sessions(
    connection: Connection,
    tenant: str,
    kind: str,
    subject: str,
    now: datetime,
    session: str | None = None,
) -> int:
    """End the subject's open sessions (or one of them); how many were open. Their gate
    is closed first (a command on its way with one of them is waited for)."""
    close_gates(connection, tenant, [(kind, subject)])
    s = t.sessions.c
    where = [
        of_tenant(s, tenant),
        s.kind == kind,
        s.subject == subject,
        s.revoked_at.is_(None),
        s.expires_at > now,
    ]
    if session is not None:
        where.append(s.session_id == session)
    result = connection.execute(update(t.sessions).where(*where).values(revoked_at=now))
    return int(result.rowcount or 0)


# ---------------------------------------------------------------------------- rate counters


def count_in_window(
    connection: Connection, tenant: str, key: str, now: datetime, window: timedelta
) -> int:
    """Add one to the tenant's counter `key` for the window now running (a fixed window
    that starts again once it has passed); the count with this one."""
    r = t.rate_limits.c
    fresh = r.window_start <= now - window
    row = upsert(
        connection,
        t.rate_limits,
        {"tenant_id": tenant, "key": key, "window_start": now, "count": 1},
        {
            "count": case((fresh, 1), else_=r.count + 1),
            "window_start": case((fresh, now), else_=r.window_start),
        },
        (r.count,),
    )
    return int(row.count)


# ---------------------------------------------------------------------------- phones


def phone_key(phone: str) -> str:
    """A phone number as one key: its digits, international with a leading + where the
    number says so ("+", or the "00" dialled before a country's code), and a mainland
    mobile number (11 digits from 1) as +86 it is. "138 0013 8000", "+86 138-0013-8000",
    "8613800138000" and "008613800138000" are one phone: until 2026-12-07 each with its
    country code was another, and one phone opened three accounts past
    `one_account_per_phone` (the fuzzer's find; migration 0032 keyed the kept ones so)."""
    digits = "".join(character for character in phone if character.isdigit())
    international = phone.strip().startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if not international and len(digits) == 11 and digits.startswith("1"):
        digits, international = "86" + digits, True
    if not international and len(digits) == 13 and digits.startswith("861"):
        international = True
    return ("+" if international else "") + digits


def claim_phone(connection: Connection, tenant: str, phone: str, member: str) -> str:
    """Claim the phone for `member`; the member that holds it (another one: refused).
    Two claims at once: the database's key lets one in, the other waits and sees it."""
    key = phone_key(phone)
    insert_if_absent(connection, t.member_phones, tenant_id=tenant, phone=key, member_id=member)
    p = t.member_phones.c
    holder: Any = connection.execute(
        select(p.member_id).where(of_tenant(p, tenant), p.phone == key).with_for_update()
    ).scalar_one()
    return str(holder)


def release_phone(connection: Connection, tenant: str, member: str) -> None:
    p = t.member_phones.c
    connection.execute(delete(t.member_phones).where(of_tenant(p, tenant), p.member_id == member))


# ---------------------------------------------------------------------------- housekeeping


def _forgettable(now: datetime, window: timedelta) -> tuple[tuple[Table, ColumnElement[bool]], ...]:
    """Each table's rows that can no longer matter: attempt counts whose window and lock
    have passed, sessions ended a day ago, rate counters of windows long gone."""
    f, s, r = t.sign_in_failures.c, t.sessions.c, t.rate_limits.c
    day = now - timedelta(days=1)
    return (
        (
            t.sign_in_failures,
            and_(f.first_at <= now - window, or_(f.locked_until.is_(None), f.locked_until <= now)),
        ),
        (t.sessions, or_(s.expires_at <= day, s.revoked_at <= day)),
        (t.rate_limits, r.window_start <= day),
    )


def prune(connection: Connection, tenant: str, now: datetime, window: timedelta) -> int:
    """Forget what can no longer matter (`_forgettable`), so that the rows anyone may
    cause, without signing in, do not pile up. How many rows went."""
    return sum(
        int(connection.execute(delete(table).where(of_tenant(table, tenant), rows)).rowcount or 0)
        for table, rows in _forgettable(now, window)
    )


def tenants_with_forgettable(
    connection: Connection, now: datetime, window: timedelta, among: Collection[str] | None
) -> list[str]:
    """The tenants (of `among`, or all) with a row `prune` would forget, in one statement."""
    probes = [
        lambda tenant, table=table, rows=rows: select(table.c.tenant_id).where(
            of_tenant(table, tenant), rows
        )
        for table, rows in _forgettable(now, window)
    ]
    return tenants_having(connection, *probes, among=among)
