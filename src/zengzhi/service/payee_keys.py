"""The key that encrypts payees at rest (their real names and accounts).

`ZENGZHI_PAYEE_KEYS`: one or more Fernet keys (URL-safe base64 of 32 random bytes,
`zengzhi`-independent: `python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"`), separated by commas. The first encrypts; every
one decrypts, so a key is rotated by putting a new one first, re-encrypting
(`payees.reencrypt`), then dropping the old one (docs/payments.md). Like the session
key, a missing key is made once on the embedded SQLite database and kept beside it
(readable by its owner only); on PostgreSQL it must be given.

`serve`, `worker` and the process managers' app (`zengzhi.app:from_environment`) check
at start (`check_at_start`) that payees can be read and written, and stop with one line
naming ZENGZHI_PAYEE_KEYS when they cannot:

- on PostgreSQL (any database but SQLite), the variable must be set, whether or not
  payees are in use yet: the first payee would otherwise fail hours later;
- on a SQLite file, the variable or the key kept beside the file (`NAME.payee-key`) must
  be there once the database holds anything encrypted with it (a payee, a WeChat Pay or
  Alipay adapter's keys): a database copied without its key file would otherwise make a
  new key and never read them; an empty one makes its key on first use, as before.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, MultiFernet

from zengzhi.store.payees import anything_sealed

if TYPE_CHECKING:  # settings checks keys with this module
    from zengzhi.service.settings import Settings
    from zengzhi.store.database import Database

KEY_BYTES = 32


def check(text: str) -> str:
    """The keys as given, if each is a Fernet key and none a well-known one."""
    parts = [part.strip() for part in text.split(",")]
    if not parts or any(not part for part in parts):
        raise ValueError("one or more Fernet keys separated by commas")
    for part in parts:
        try:
            key = base64.urlsafe_b64decode(part.encode())
        except (binascii.Error, ValueError):
            raise ValueError("a Fernet key is URL-safe base64 of 32 bytes") from None
        if len(key) != KEY_BYTES:
            raise ValueError("a Fernet key is URL-safe base64 of 32 bytes")
        if len(set(key)) < 8:  # 32 zero bytes, "aaaa…": a key from a README, not random
            raise ValueError("a well-known or weak key; make one with Fernet.generate_key()")
    return ",".join(parts)


def cipher(settings: Settings) -> MultiFernet:
    """The payee cipher; on SQLite a key is made on first use and kept by the database."""
    if settings.payee_keys is not None:
        text = settings.payee_keys.get_secret_value()
    else:
        text = _kept_key(settings)
    return MultiFernet([Fernet(part.encode()) for part in text.split(",")])


def _kept_key(settings: Settings) -> str:
    if not settings.is_sqlite:
        raise RuntimeError("ZENGZHI_PAYEE_KEYS must be set (Fernet.generate_key())")
    database = settings.database_url.split("///", 1)[-1]
    if database in ("", ":memory:"):
        raise RuntimeError("ZENGZHI_PAYEE_KEYS must be set for an in-memory database")
    path = Path(database).with_suffix(".payee-key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode())
    return path.read_text().strip()


MAKE_ONE = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class MissingPayeeKey(RuntimeError):
    """Payees cannot be read or written: the one line to say at start."""


def check_at_start(settings: Settings, database: Database) -> None:
    """Raise MissingPayeeKey when ZENGZHI_PAYEE_KEYS is needed and missing (the rule is
    in the module's text). The schema must be current."""
    if settings.payee_keys is not None:
        return
    if not settings.is_sqlite:
        raise MissingPayeeKey(
            "ZENGZHI_PAYEE_KEYS is not set: on PostgreSQL it must be, it encrypts payees and"
            f" the WeChat Pay / Alipay keys (docs/payments.md); make one with {MAKE_ONE}"
        )
    name = settings.database_url.split("///", 1)[-1].split("?", 1)[0]
    if name in ("", ":memory:") or Path(name).with_suffix(".payee-key").exists():
        return
    if _anything_sealed(database):
        raise MissingPayeeKey(
            f"ZENGZHI_PAYEE_KEYS is not set and {Path(name).with_suffix('.payee-key')} is"
            " missing, but the database holds payees or gateway keys encrypted with it:"
            " put the key file back beside the database, or set ZENGZHI_PAYEE_KEYS"
        )


def _anything_sealed(database: Database) -> bool:
    with database.read() as connection:
        return anything_sealed(connection)
