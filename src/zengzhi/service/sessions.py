"""Who a request comes from: signing in (with its lockout), a bearer token checked
(an API key or a session), signing out. The credentials themselves are `auth`'s."""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.fields import Id, Label, Name
from zengzhi.service import auth
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, glance, not_found, query
from zengzhi.store import security
from zengzhi.store.tenants import tenant_exists, tenant_spelled
from zengzhi.store.users import Users

log = logging.getLogger("zengzhi.auth")


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: Id
    username: Label = Field(min_length=1)
    password: Name = Field(min_length=1)


class Session(BaseModel):
    token: str
    tenant: str
    username: str
    role: Role
    expires_in_minutes: int


_BAD_LOGIN = DomainError(ErrorCode.UNAUTHORIZED, "unknown tenant, user or password")


# At most MAX_FAILURES attempts of a user that did not succeed within FAILURE_WINDOW are
# let through to the password check; the MAX_FAILURES-th wrong password locks the user
# for LOCK_TIME, even with the right password. A tenant and a user are found by their
# names in any case ("ACME" is "acme": one name in any case, migration 0033), and
# attempts are counted by the tenant and the username asked for in lower case, so every
# spelling of a name shares one count, whether or not the user exists, and BEFORE the
# password is checked (store/security.py: one committed upsert), so that attempts
# arriving together cannot all find the count empty: one still in flight holds its
# place. A success gives back its own place only: it forgets no failure and clears no
# lock. A tenant that does not exist is counted and locked the same way (its users are
# simply never found): answered otherwise, a sixth guess told whether a tenant exists.
# Its counts are kept under STRANGERS (no tenant id can be "-"), by a digest of the
# tenant and username asked for, so that the tick forgets them as it forgets a tenant's,
# one tenant id a statement.
STRANGERS = "-"
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_TIME = timedelta(minutes=15)


def _locked(request: Login, now: datetime, until: datetime) -> DomainError:
    return DomainError(
        ErrorCode.TOO_MANY,
        f"{MAX_FAILURES} failed sign-ins: {request.username!r} may sign in again"
        f" at {until:%H:%M:%S} UTC",
        retry_after=max(1, math.ceil((until - now).total_seconds())),
    )


def _stranger(request: Login) -> tuple[str, str]:
    """Where a sign-in to a tenant that does not exist is counted."""
    asked = f"{request.tenant}\n{request.username}".lower().encode()
    return STRANGERS, hashlib.sha256(asked).hexdigest()


def _tenant_exists(context: Context, tenant: str) -> bool:
    return query(context, lambda connection: tenant_exists(connection, tenant))


def login(context: Context, request: Login) -> Session:
    now = context.clock()
    kept = query(context, lambda connection: tenant_spelled(connection, request.tenant))
    tenant, counted = (kept, request.username.lower()) if kept else _stranger(request)

    def count() -> security.Attempts:
        with context.database.write() as connection:
            return security.count_attempt(connection, tenant, counted, now, FAILURE_WINDOW)

    attempts = context.database.retrying(count)  # committed before the password is checked
    if attempts.locked_until is not None and attempts.locked_until > now:
        raise _locked(request, now, attempts.locked_until)
    if attempts.tries - 1 >= MAX_FAILURES:  # locked, or about to be by attempts in flight
        raise _locked(request, now, now + LOCK_TIME)
    row = (
        None
        if kept is None
        else query(context, lambda connection: Users(connection, kept).named(request.username))
    )
    # one Argon2 check whoever asks: an unknown user against a dummy hash, and a disabled
    # user's password too (refused whatever it is), so that neither answers sooner than
    # a wrong password and the time tells nobody which users exist or are disabled
    matches = auth.password_matches(
        _dummy_hash() if row is None else row.password_hash, request.password
    )
    if kept is None or row is None or row.disabled or not matches:

        def fail() -> bool:
            with context.database.write() as connection:
                return security.count_failure(
                    connection,
                    tenant,
                    counted,
                    attempts.first_at,
                    MAX_FAILURES,
                    now + LOCK_TIME,
                )

        if context.database.retrying(fail):
            log.warning(
                "tenant %s: %r locked after failed sign-ins", request.tenant, request.username
            )
        raise _BAD_LOGIN
    username = row.username  # as kept, whatever the case it was typed in
    minutes = context.settings.session_minutes
    session = auth.new_session_id()

    def open_session() -> None:
        with context.database.write() as connection:
            # the user as checked, its row locked as a change locks it: a password change
            # or a disabling that came during the check (which ended the user's sessions)
            # is not followed by a session opened with what it replaced
            now_row = Users(connection, kept).get(username, lock=True)
            if now_row is None or now_row.disabled or now_row.password_hash != row.password_hash:
                raise _BAD_LOGIN
            security.release_attempt(connection, kept, counted, attempts.first_at)
            security.open_session(
                connection,
                kept,
                security.USER,
                username,
                session,
                now,
                now + timedelta(minutes=minutes),
            )

    context.database.retrying(open_session)
    log.info("tenant %s: %r signed in", kept, username)
    token = auth.session_token(
        context.settings.session_secret(), kept, username, session, now, minutes
    )
    return Session(
        token=token, tenant=kept, username=username, role=Role(row.role), expires_in_minutes=minutes
    )


@functools.cache
def _dummy_hash() -> str:
    """A hash for the unknown user's check, made on first use (not at import: every
    process that imports the service, such as a console's dry run, would pay for it)."""
    return auth.hash_password("not-a-real-password-at-all")


_ENDED = DomainError(
    ErrorCode.UNAUTHORIZED, "this session has ended (signed out, or its password changed)"
)


def authenticate(context: Context, token: str) -> Principal:
    """The principal behind a bearer token (an API key or a session), or 401. One
    statement outside a transaction (`glance`): a command reads the credential again,
    locked, in its own transaction (`base._proven`), so this check only turns away
    early what no longer works."""
    now = context.clock()
    parsed = auth.parse_api_key(token)
    if parsed is not None:
        tenant, key_id, secret = parsed
        key = glance(context, lambda connection: security.key_on_file(connection, tenant, key_id))
        if key is None or not auth.digests_match(key.secret_hash or "", secret):
            raise DomainError(ErrorCode.UNAUTHORIZED, "unknown or revoked API key")
        return Principal(tenant, f"key:{key_id}", Role(key.role), key_id)
    claims = auth.read_session(context.settings.session_secret(), token, now)
    if claims is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "invalid or expired session; sign in again")
    user = glance(
        context,
        lambda connection: security.session_on_file(
            connection, claims.tenant, claims.username, claims.session, now
        ),
    )
    if user is None or user.refusal == "user":
        raise DomainError(ErrorCode.UNAUTHORIZED, "this user may no longer sign in")
    if not user.works:
        raise _ENDED
    return Principal(claims.tenant, f"user:{claims.username}", Role(user.role), claims.session)


def logout(context: Context, token: str) -> None:
    """End the session `token` names (an API key is revoked with DELETE /v1/api-keys)."""
    if auth.parse_api_key(token) is not None:
        authenticate(context, token)  # a token that only looks like a key is a 401
        raise DomainError(
            ErrorCode.CONFLICT,
            "an API key is not signed out: revoke it with DELETE /v1/api-keys/{id}",
            "Authorization",
        )
    now = context.clock()
    claims = auth.read_session(context.settings.session_secret(), token, now)
    if claims is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "invalid or expired session; sign in again")

    def run() -> None:
        with context.database.write() as connection:
            security.revoke_sessions(
                connection, claims.tenant, security.USER, claims.username, now, claims.session
            )

    context.database.retrying(run)
    log.info("tenant %s: %r signed out", claims.tenant, claims.username)


OPERATOR = "cli:operator"  # as the audit log names what was done at the command line


def operator(context: Context, tenant: str) -> Principal:
    """The owner's rights over one tenant, for whoever runs the CLI on the server (who holds
    the database anyway): resetting a locked-out owner's password, issuing the first key."""
    if not _tenant_exists(context, tenant):
        raise not_found("tenant", tenant, "tenant")
    return Principal(tenant=tenant, actor=OPERATOR, role=Role.OWNER)
