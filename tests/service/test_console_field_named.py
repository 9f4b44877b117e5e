"""A refusal on the console's error page names its field in the reader's language: a NUL
in a field with no word in the catalogue's [field] (the settings' fee rate, a pool's
opening price, a payment adapter's merchant number) was said on a Chinese page as
不能包含控制字符 alone, naming no field (English wrote the field's name). It is named by
the label of the form that edits it (the audit log's lookup), else as the form names it.
On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.service.base import Context
from zengzhi.store import tables as t
from zengzhi.web.pages import LANGUAGE_COOKIE


def _audited(context: Context, tenant: str) -> int:
    with context.database.writer.connect() as connection:
        count = select(func.count()).where(t.audit_log.c.tenant_id == tenant)
        return int(connection.execute(count).scalar_one())


def test_a_control_character_in_any_field_is_refused_naming_it(api: Api, context: Context) -> None:
    a_member_with_money(api)
    csrf = sign_in(api.client, api.tenant)
    for language, path, name, said in (
        ("zh", "/console/config/settings", "withdrawals.fee_rate", "不能包含控制字符（手续费率）"),
        ("zh", "/console/config/pools/main", "opening_price", "不能包含控制字符（初始价格）"),
        ("zh", "/console/config/payments/wechat", "wechat.mchid", "控制字符（wechat.mchid）"),
        ("zh", "/console/pools/main/pause", "reason", "不能包含控制字符（原因）"),
        ("en", "/console/config/settings", "withdrawals.fee_rate", "control characters (Fee rate)"),
    ):
        api.client.cookies.set(LANGUAGE_COOKIE, language)
        before = _audited(context, api.tenant)
        refused = api.client.post(path, data={"csrf": csrf, name: "a\x00b"})
        assert refused.status_code == 422, refused.text
        alert = re.search(r'role="alert"><p>(.*?)</p>', refused.text, re.S)
        assert alert is not None, refused.text
        assert said in html.unescape(alert.group(1)), alert.group(1)
        assert _audited(context, api.tenant) == before
