"""Who may do what: roles, password hashing, API keys and console sessions."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from zengzhi.core.errors import DomainError, ErrorCode


class Role(StrEnum):
    OWNER = "owner"  # everything, users and keys included
    OPERATOR = "operator"  # configuration: pools, zones, products, stores, pauses
    FINANCE = "finance"  # withdrawals and subsidies
    SUPPORT = "support"  # member lookups, referrer re-assignment
    VIEWER = "viewer"  # reads
    INTEGRATOR = "integrator"  # the shop's API key: members, orders, sales, withdrawal requests
    # A member on the member page, with a short-lived token the integrator issued: never a
    # user's or an API key's role; the member-scoped use cases only ever pass its own id.
    MEMBER = "member"


class Permission(StrEnum):
    READ = "read"
    CONFIGURE = "configure"
    MONEY_CONTROLS = "money_controls"  # weaken a control on money (four eyes: the owner)
    PAYMENT_ADAPTER = "payment_adapter"  # the gateway and its secret, which can sign payments
    USERS = "users"
    MEMBERS = "members"
    ORDERS = "orders"
    SELL = "sell"
    SUBSIDIZE = "subsidize"
    AGENTS = "agents"  # record a sale of agent rights, which books its fee
    WITHDRAW = "withdraw"  # ask for a withdrawal on a member's behalf
    DECIDE_WITHDRAWALS = "decide_withdrawals"
    REASSIGN = "reassign"


# Each permission as what a refusal says the role may not do ("the viewer role may not
# manage members"; it said "may not members")
DOING: dict[Permission, str] = {
    Permission.READ: "read",
    Permission.CONFIGURE: "configure",
    Permission.MONEY_CONTROLS: "loosen money controls",
    Permission.PAYMENT_ADAPTER: "set the payment adapter",
    Permission.USERS: "manage users",
    Permission.MEMBERS: "manage members",
    Permission.ORDERS: "handle orders",
    Permission.SELL: "sell",
    Permission.SUBSIDIZE: "subsidize",
    Permission.AGENTS: "record agent sales",
    Permission.WITHDRAW: "withdraw",
    Permission.DECIDE_WITHDRAWALS: "decide or pay withdrawals",
    Permission.REASSIGN: "reassign",
}

# What each permission lets a role do, in words: docs/security.md's and docs/service.md's
# role tables are generated from this and GRANTS (`zengzhi roles`), and a test holds the
# documents to them.
PERMISSION_TEXT: dict[Permission, str] = {
    Permission.READ: "read anything of the tenant (secrets are never shown again)",
    Permission.CONFIGURE: (
        "configure pools, zones, products, stores, settings and distribution; pause;"
        " webhooks; back-tests, dry runs and simulations"
    ),
    Permission.MONEY_CONTROLS: (
        "weaken a money control: raise `withdrawals.auto_approve_limit`, turn off"
        " `withdrawals.require_real_name` or `withdrawals.require_payee`, loosen"
        " `distribution.limits`, let the platform"
        " pay rewards' overflow, allow more than 3 commission levels"
    ),
    Permission.PAYMENT_ADAPTER: (
        "choose the payment adapter and its payout URL, receive its secret (which signs"
        " payments and payouts), refresh its certificates, replay the gateway's deliveries:"
        " a signed-in user's only (console or session), never with an API key, whatever"
        " its role"
    ),
    Permission.SUBSIDIZE: (
        "subsidize a pool; import a member's old balance into one (the platform funds it)"
    ),
    Permission.AGENTS: "record a sale of regional agent rights (books its fee)",
    Permission.DECIDE_WITHDRAWALS: "approve, reject, mark paid, send to payout withdrawals",
    Permission.MEMBERS: "register and edit members, bind referrers, revoke member page tokens",
    Permission.REASSIGN: "re-assign a member's referrer, with a reason",
    Permission.ORDERS: (
        "orders: create, pay, complete, cancel, refund, reverse, record a payment after the"
        " cancel returned to the buyer; ad tasks"
    ),
    Permission.SELL: "sell a member's points",
    Permission.WITHDRAW: (
        "ask for a member's withdrawal; with `members`, set their payee and vouch for their"
        " real name"
    ),
    Permission.USERS: (
        "users, their sessions, API keys: a signed-in user's only (console or session),"
        " never with an API key, whatever its role"
    ),
}

# An API key is a long-lived secret kept in a shop's configuration: one that leaked, of
# any role (an owner key too), must not be able to keep a way in after it is revoked. A
# new user or key would be one; so would the payment gateway's secret (it signs payments
# and payouts, and outlives the key), and the adapter and certificates that say whose
# signatures are trusted. These permissions are a person's, signed in (the console, or
# a session from POST /v1/auth/login): an API key is refused them whatever its role
# (403, naming `Authorization`), by `Principal.require` itself, each with its sentence.
# (each sentence in Chinese in zh.toml: tests/security/test_roles.py)
SIGNED_IN_ONLY: dict[Permission, str] = {
    Permission.USERS: (
        "users, API keys and sessions are managed by a signed-in user (the console, or the"
        " API with a session from POST /v1/auth/login), not with an API key"
    ),
    Permission.PAYMENT_ADAPTER: (
        "the payment adapter, its secret and certificates and the gateway's payout requests"
        " are managed by a signed-in user (the console, or the API with a session from"
        " POST /v1/auth/login), not with an API key"
    ),
}

_ALL = frozenset(Permission)
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: _ALL,
    Role.OPERATOR: frozenset({Permission.READ, Permission.CONFIGURE}),
    Role.FINANCE: frozenset(
        {
            Permission.READ,
            Permission.SUBSIDIZE,
            Permission.AGENTS,
            Permission.DECIDE_WITHDRAWALS,
        }
    ),
    Role.SUPPORT: frozenset({Permission.READ, Permission.MEMBERS, Permission.REASSIGN}),
    Role.VIEWER: frozenset({Permission.READ}),
    Role.INTEGRATOR: frozenset(
        {
            Permission.READ,
            Permission.MEMBERS,
            Permission.ORDERS,
            Permission.SELL,
            Permission.WITHDRAW,
        }
    ),
    Role.MEMBER: frozenset({Permission.READ, Permission.SELL, Permission.WITHDRAW}),
}

_HEADINGS = {
    Role.INTEGRATOR: "integrator (key)",
    Role.MEMBER: "member (page token, own data)",
}


def role_table() -> str:
    """Who may do what, as a Markdown table, straight from GRANTS."""
    roles = list(Role)
    lines = [
        "| permission | what it allows | "
        + " | ".join(_HEADINGS.get(role, role.value) for role in roles)
        + " |",
        "| --- | --- |" + " --- |" * len(roles),
    ]
    for permission in Permission:
        marks = " | ".join("✓" if permission in GRANTS[role] else "" for role in roles)
        lines.append(f"| `{permission.value}` | {PERMISSION_TEXT[permission]} | {marks} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a console user or an API key, always of exactly one tenant."""

    tenant: str
    actor: str  # "user:alice" or "key:3f9a…", as the audit log names them
    role: Role
    # what a request proved itself with (sessions.authenticate): an API key's id or a
    # signed-in user's session id. Each command the request runs reads it again, locked,
    # in its own transaction (base.command), so that nothing is done with a key revoked,
    # or a session ended, once its revocation has returned. None: the command line, the
    # system's own jobs, a member page (which checks its token itself), the tests.
    proof: str | None = field(default=None, compare=False)

    @property
    def by_key(self) -> bool:
        """Whether an API key authenticated the request (`sessions.authenticate` names
        it `key:<id>`), rather than a signed-in user, the command line or the system."""
        return self.actor.startswith("key:")

    def may(self, permission: Permission) -> bool:
        if permission in SIGNED_IN_ONLY and self.by_key:
            return False
        return permission in GRANTS[self.role]

    def require(
        self, permission: Permission, field: str | None = None, why: str | None = None
    ) -> None:
        """Refuse (403) a role without `permission`, and an API key, whatever its role,
        a permission that is a signed-in user's only (`SIGNED_IN_ONLY`: naming
        `Authorization`, before the role is looked at)."""
        if permission in SIGNED_IN_ONLY and self.by_key:
            raise DomainError(ErrorCode.FORBIDDEN, SIGNED_IN_ONLY[permission], "Authorization")
        if permission not in GRANTS[self.role]:
            raise DomainError(
                ErrorCode.FORBIDDEN,
                why or f"the {self.role} role may not {DOING[permission]}",
                field,
            )


_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise DomainError(ErrorCode.INVALID, "must be at least 10 characters", "password")
    return _hasher.hash(password)


def password_matches(stored: str, given: str) -> bool:
    try:
        return _hasher.verify(stored, given)
    except (VerifyMismatchError, InvalidHashError):
        return False


# An API key reads "zz1.<tenant>.<key id>.<secret>": the tenant and key id find the row,
# the secret (256 random bits, so a plain SHA-256 is enough) proves it.
KEY_PREFIX = "zz1."


@dataclass(frozen=True, slots=True)
class NewKey:
    key_id: str
    secret_hash: str
    token: str  # shown once, never stored


def new_api_key(tenant: str, key_id: str | None = None) -> NewKey:
    """A new key (its id chosen by the caller, or new); its secret is always new."""
    key_id = key_id or secrets.token_hex(8)
    secret = secrets.token_hex(32)
    return NewKey(key_id, secret_digest(secret), f"{KEY_PREFIX}{tenant}.{key_id}.{secret}")


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# what `new_api_key` makes: a tenant's id (engine/fields.ID_PATTERN), the key's id and
# its secret; anything else is not a key (a NUL in the "tenant" reached the database's
# lookup and was a 500, not a 401)
_KEY = re.compile(
    re.escape(KEY_PREFIX)
    + r"(?P<tenant>[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127})"
    + r"\.(?P<key>[A-Za-z0-9_:@-]{1,128})\.(?P<secret>[A-Za-z0-9_-]{1,256})"
)


def parse_api_key(token: str) -> tuple[str, str, str] | None:
    """(tenant, key id, secret) of a well-formed key, else None."""
    found = _KEY.fullmatch(token)
    if found is None:
        return None
    return found["tenant"], found["key"], found["secret"]


def digests_match(stored: str, secret: str) -> bool:
    return hmac.compare_digest(stored, secret_digest(secret))


def new_session_id() -> str:
    return secrets.token_hex(16)


def session_token(
    secret: str, tenant: str, username: str, session: str, now: datetime, minutes: int
) -> str:
    claims = {
        "tenant": tenant,
        "sub": username,
        "sid": session,  # the session's row: signing out or a password change ends it
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass(frozen=True, slots=True)
class SessionClaims:
    tenant: str
    username: str
    session: str


def read_session(secret: str, token: str, now: datetime) -> SessionClaims | None:
    """The claims of a well-signed, unexpired session token, else None (whether its
    session is still open is the database's to say)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            # the expiry is checked against the service's clock, below; and an `iat` ahead
            # of the machine's own time (a clock moved by tests, or skew between servers)
            # must not refuse a token the service itself just issued
            options={
                "verify_exp": False,
                "verify_iat": False,
                "require": ["exp", "tenant", "sub", "sid"],
            },
        )
    except jwt.PyJWTError:
        return None
    if int(claims["exp"]) <= now.timestamp():
        return None
    return SessionClaims(str(claims["tenant"]), str(claims["sub"]), str(claims["sid"]))
