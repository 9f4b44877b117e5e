"""The demo (`zengzhi serve --demo`) is a Chinese platform (演示商城, its members 张伟,
王芳…), read in Chinese by the operator who tries it: the audit log said its subsidy's
reason in English (launch subsidy) and the users page named its API key demo shop.
What the demo writes for people to read is in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from tests.service.conftest import SECRET, Clock
from zengzhi.service import demo
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade


def test_the_demos_reasons_and_key_name_are_chinese(tmp_path: Path) -> None:
    # a database of its own: the shared one's demo tenant is another test's to seed
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    context = Context(Database(url), Settings(database_url=url, secret_key=SECRET), Clock())
    try:
        upgrade(context.database.writer)
        access = demo.seed(context)
        with context.database.writer.connect() as connection:
            reasons = (
                connection.execute(
                    select(t.audit_log.c.reason).where(
                        t.audit_log.c.tenant_id == access.tenant, t.audit_log.c.reason.is_not(None)
                    )
                )
                .scalars()
                .all()
            )
            keys = (
                connection.execute(
                    select(t.api_keys.c.name).where(t.api_keys.c.tenant_id == access.tenant)
                )
                .scalars()
                .all()
            )
    finally:
        context.database.dispose()
    assert reasons and keys
    latin = [text for text in [*reasons, *keys] if re.search(r"[A-Za-z]{2}", text)]
    assert latin == []
