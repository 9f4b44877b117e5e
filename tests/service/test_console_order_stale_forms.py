"""An order's refund or reversal sent from a tab opened before the order changed (reversed
by someone else, refunded, completed) is answered with words: the order page showed its
refusal only inside the form, and the form is gone once the order cannot take that step,
so a reversal sent again with its reason left empty or too long, or a reversal of an order
refunded meanwhile, answered 422 or 409 with no word of why. A step already taken says so,
whatever the reason typed (nothing is done, the reason is not recorded). On SQLite and
PostgreSQL."""

from __future__ import annotations

import html
import re

import httpx

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.web.pages import LANGUAGE_COOKIE


def _said(page: str) -> str:
    parts = re.findall(r'<(?:div|p)[^>]*role="(?:alert|status)"[^>]*>(.*?)</(?:div|p)>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))


def test_a_stale_orders_form_is_answered_with_words(api: Api) -> None:
    a_member_with_money(api)  # o1 completed
    api.ok(
        api.post(
            "/v1/orders", {"id": "o2", "member": "m1", "amount": "10.00", "contribution": "3.00"}
        )
    )
    api.ok(api.post("/v1/orders/o2/pay"))  # completed at once: no return window
    csrf = sign_in(api.client, api.tenant)
    api.client.cookies.set(LANGUAGE_COOKIE, "zh")

    def post(path: str, data: dict[str, str]) -> httpx.Response:
        return api.client.post(path, data=data, follow_redirects=False)

    done = post("/console/orders/o1/reverse", data={"csrf": csrf, "reason": "退货"})
    assert done.status_code == 303, done.text
    api.client.get("/console/orders/o1")  # the notice shown, once
    audited = api.ok(api.get("/v1/audit-log"))
    for reason in ("", "x" * 5000, "再退一次"):
        again = post("/console/orders/o1/reverse", data={"csrf": csrf, "reason": reason})
        assert again.status_code == 303, (again.status_code, _said(again.text))
        again = api.client.get(again.headers["location"])
        assert "订单 o1 此前已冲正：本次没有任何改动，填写的原因没有记录。" in _said(again.text), (
            again.status_code,
            _said(again.text),
        )
    assert api.ok(api.get("/v1/audit-log")) == audited
    # a refund sent from a tab opened while the order was paid: completed (o2, no return
    # window) or reversed (o1) since, it is refused saying why, above the page
    for order, status in (("o2", "已完成"), ("o1", "已冲正")):
        wrong = post(f"/console/orders/{order}/refund", data={"csrf": csrf, "reason": "缺货"})
        assert wrong.status_code == 409, wrong.text
        assert f"订单 “{order}” 的状态是「{status}」：不能退款" in _said(wrong.text), _said(
            wrong.text
        )
    assert api.ok(api.get("/v1/audit-log")) == audited
