"""A worker process for tests/service/test_day_in_parts.py: runs a tenant's days in
parts, each part slowed inside its transaction and after it, so that the test can kill
it (kill -9) while a part is under way, and place orders between parts.

    python -m tests.service.day_worker DATABASE_URL TENANT ISO_TIME PART_SIZE
"""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from pydantic import SecretStr

from zengzhi.service import modes
from zengzhi.service.auth import Principal
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database
from zengzhi.store.uow import UnitOfWork

T = TypeVar("T")
_command = modes.command


def _slow(context: Context, principal: Principal, run: Callable[[UnitOfWork], T]) -> T:
    def slowly(uow: UnitOfWork) -> T:
        done = run(uow)
        time.sleep(0.03)  # before the commit: a kill lands in a transaction as often as not
        return done

    done = _command(context, principal, slowly)
    time.sleep(0.03)  # and after: SQLite's one writer lets the test's orders in
    return done


def main() -> None:
    url, tenant, when, size = sys.argv[1:5]
    now = datetime.fromisoformat(when)
    settings = Settings(database_url=url, secret_key=SecretStr(secrets.token_urlsafe(40)))  # type: ignore[arg-type]
    context = Context(Database(url), settings, lambda: now)
    modes.command = _slow  # type: ignore[assignment]
    modes.run_days(context, tenant, int(size))


if __name__ == "__main__":
    main()
