"""Who may do what: roles, password hashing, API keys and console sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
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
    USERS = "users"
    MEMBERS = "members"
    ORDERS = "orders"
    SELL = "sell"
    SUBSIDIZE = "subsidize"
    WITHDRAW = "withdraw"  # ask for a withdrawal on a member's behalf
    DECIDE_WITHDRAWALS = "decide_withdrawals"
    REASSIGN = "reassign"


_ALL = frozenset(Permission)
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: _ALL,
    Role.OPERATOR: frozenset({Permission.READ, Permission.CONFIGURE}),
    Role.FINANCE: frozenset({Permission.READ, Permission.SUBSIDIZE, Permission.DECIDE_WITHDRAWALS}),
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

STAFF_ROLES = frozenset(Role) - {Role.INTEGRATOR, Role.MEMBER}  # what a console user may be


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a console user or an API key, always of exactly one tenant."""

    tenant: str
    actor: str  # "user:alice" or "key:3f9a…", as the audit log names them
    role: Role

    def require(self, permission: Permission) -> None:
        if permission not in GRANTS[self.role]:
            raise DomainError(
                ErrorCode.FORBIDDEN, f"the {self.role} role may not {permission.replace('_', ' ')}"
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


def new_api_key(tenant: str) -> NewKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_hex(32)
    return NewKey(key_id, secret_digest(secret), f"{KEY_PREFIX}{tenant}.{key_id}.{secret}")


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_api_key(token: str) -> tuple[str, str, str] | None:
    """(tenant, key id, secret) of a well-formed key, else None."""
    if not token.startswith(KEY_PREFIX):
        return None
    tenant, _, rest = token[len(KEY_PREFIX) :].rpartition(".")
    tenant, _, key_id = tenant.rpartition(".")
    secret = rest
    if not (tenant and key_id and secret):
        return None
    return tenant, key_id, secret


def digests_match(stored: str, secret: str) -> bool:
    return hmac.compare_digest(stored, secret_digest(secret))


def session_token(secret: str, tenant: str, username: str, now: datetime, minutes: int) -> str:
    claims = {
        "tenant": tenant,
        "sub": username,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def read_session(secret: str, token: str, now: datetime) -> tuple[str, str] | None:
    """(tenant, username) of a valid, unexpired session token, else None."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            # the expiry is checked against the service's clock, below; and an `iat` ahead
            # of the machine's own time (a clock moved by tests, or skew between servers)
            # must not refuse a token the service itself just issued
            options={"verify_exp": False, "verify_iat": False, "require": ["exp", "tenant", "sub"]},
        )
    except jwt.PyJWTError:
        return None
    if int(claims["exp"]) <= now.timestamp():
        return None
    return str(claims["tenant"]), str(claims["sub"])
