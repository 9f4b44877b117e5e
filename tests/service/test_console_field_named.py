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
    """The forms that show their refusals again now say it at the field itself, under its
    label, the form and what was typed kept (test_console_kept_forms.py): the field is
    named by where the refusal stands. A refusal of a field the form has no box for is
    said above the form, named as before."""
    a_member_with_money(api)
    csrf = sign_in(api.client, api.tenant)
    zh, en = "不能包含控制字符", "must not contain control characters"
    fee = "withdrawals.fee_rate"
    for language, path, name, at, said in (
        ("zh", "/console/config/settings", fee, fee, zh),
        ("zh", "/console/config/pools/main", "opening_price", "opening_price", zh),
        ("zh", "/console/config/payments/wechat", "wechat.mchid", "wechat.mchid", zh),
        ("zh", "/console/pools/main/pause", "reason", "pause-main-reason", zh),
        ("en", "/console/config/settings", fee, fee, en),
        ("zh", "/console/pools/main/pause", "csrf_other", None, f"{zh}（csrf_other）"),
    ):
        api.client.cookies.set(LANGUAGE_COOKIE, language)
        before = _audited(context, api.tenant)
        refused = api.client.post(path, data={"csrf": csrf, name: "a\x00b"})
        assert refused.status_code == 422, refused.text
        if at is not None:
            found = re.findall(
                r'<p class="field-error" id="e-([^"]+)" role="alert">([^<]*)</p>', refused.text
            )
            assert (at, said) in [(f, html.unescape(m)) for f, m in found], (path, found)
        else:
            alert = re.search(r'class="notice error" role="alert">(.*?)</div>', refused.text, re.S)
            assert alert is not None, refused.text
            assert said in html.unescape(alert.group(1)), alert.group(1)
        assert _audited(context, api.tenant) == before
