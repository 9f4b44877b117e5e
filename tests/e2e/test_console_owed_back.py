"""An order cancelled, then paid at the gateway (owed back to the buyer), on the order's
page on a phone, in Chinese, without script: it says what is owed back and offers the
form that records it returned; recorded, the page says 已退还买家 with who recorded it,
the form gone. Every field labelled, readable contrast, nothing scrolling sideways."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from pydantic import SecretStr

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import PHONE, TENANT, Server, new_context, sign_in
from tests.e2e.test_console_phone import _sideways
from zengzhi.service import payments
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database
from zengzhi.store.uow import UnitOfWork

ORDER = "ob-o1"


def _cancelled_then_paid(server: Server) -> None:
    """The order cancelled through the API, then its payment recorded as the gateway's
    notification records one after a cancel (payments._owed_back), straight on
    the server's database: choosing a gateway here would keep its secret on the shared
    server, which tests/e2e/test_console_payments.py expects to find without one."""
    with server.api() as api:
        if api.get("/v1/members/ob-m").status_code == 404:
            assert api.post("/v1/members", json={"id": "ob-m"}).status_code == 201
        order = {"id": ORDER, "member": "ob-m", "amount": "500.00", "contribution": "150.00"}
        assert api.post("/v1/orders", json=order).status_code in (200, 201)
        assert api.post(f"/v1/orders/{ORDER}/cancel").status_code == 200
    url = f"sqlite:///{server.folder / 'zengzhi.db'}"
    context = Context(Database(url), Settings(database_url=url, secret_key=SecretStr("e" * 40)))
    paid = payments.Notification(id="ob-n1", type="payment.succeeded", order=ORDER, amount="500.00")

    def run(uow: UnitOfWork) -> str:
        order = uow.orders.get(ORDER, lock=True)
        assert order is not None
        return payments._owed_back(
            uow, "gateway:ob-n1", order, paid, payments.ORDER_PAID_AFTER_CANCEL
        )

    try:
        gateway = Principal(TENANT, "gateway:ob-n1", Role.OWNER)
        assert command(context, gateway, run) == "cancelled"
    finally:
        context.database.dispose()


def test_the_money_owed_back_is_recorded_returned_on_a_phone_without_script(
    browser: Browser, server: Server
) -> None:
    _cancelled_then_paid(server)
    context = new_context(browser, server, java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/language/zh?next=/console/orders/{ORDER}")
        owed = page.locator("#owed-back")
        expect(owed.locator("h2")).to_have_text("收到的付款应退还买家")
        expect(owed).to_contain_text("订单取消后收到付款 ¥500.00")
        expect(owed.get_by_role("button", name="登记已退还买家 ¥500.00")).to_be_visible()
        assert unlabelled(page) == [] and low_contrast(page) == []
        assert _sideways(page, "#owed-back") == []
        owed.get_by_label("备注（选填：支付网关的退款单号；记入审计日志）").fill("微信退款 5030")
        owed.get_by_role("button", name="登记已退还买家 ¥500.00").click()
        expect(page.locator("#notice")).to_have_text(
            f"订单 {ORDER}：应退还买家的款项已登记为已退还。"
        )
        owed = page.locator("#owed-back")
        expect(owed.locator("h2")).to_have_text("应退还买家的款项已退还")
        expect(owed).to_contain_text("已退还买家 ¥500.00")
        expect(owed).to_contain_text("由 owner 登记")
        expect(owed).to_contain_text("备注：“微信退款 5030”。")
        expect(owed.locator("form")).to_have_count(0)
        assert low_contrast(page) == [] and _sideways(page, "#owed-back") == []
    finally:
        context.close()
