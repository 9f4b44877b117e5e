"""The console's orders section (service/queries/console_orders.py and its pages): find
orders by id, member, store, status and day with a total and pages; an order's lines,
split and every movement it caused; reversing it with a reason the audit log keeps.
On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pytest

from tests.service.conftest import Api, Clock
from tests.service.test_console_pages import sign_in
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.queries import console_orders, counting
from zengzhi.service.queries.console_orders import OrderSearch
from zengzhi.service.queries.paging import PAGE_SIZE


def owner(api: Api) -> Principal:
    return Principal(api.tenant, "user:owner", Role.OWNER)


def test_orders_are_found_by_id_member_store_status_and_day(
    api: Api, context: Context, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.pool()
    for member in ("alice", "bob"):
        api.member(member)
    api.ok(
        api.put(
            "/v1/stores/tea",
            {"commission_rate": "0.20", "platform_rate": "0.02", "distribution_rate": "0.02"},
        )
    )
    placed = {}
    for n in range(60):  # a day each: alice's even orders, bob's odd ones at the store
        member = "alice" if n % 2 == 0 else "bob"
        order = f"ord-{n:03d}"
        if member == "bob":  # the store's own split
            api.ok(
                api.post(
                    "/v1/orders",
                    {"id": order, "member": member, "amount": "100.00", "store": "tea"},
                )
            )
            api.ok(api.post(f"/v1/orders/{order}/pay"))
            api.ok(api.post(f"/v1/orders/{order}/complete"))
        else:
            api.completed_order(order, member, amount="100.00", contribution="30.00")
        placed[order] = clock.today()
        clock.advance(days=1)
    api.ok(
        api.post(
            "/v1/orders",
            {"id": "open-1", "member": "alice", "amount": "5.00", "contribution": "1.00"},
        )
    )

    def find(**asked: object) -> console_orders.OrderPage:
        return console_orders.find_orders(context, owner(api), OrderSearch.model_validate(asked))

    everything = find()
    assert everything.total == 61 and everything.pages == 2 and len(everything.rows) == PAGE_SIZE
    assert everything.rows[0].id == "open-1"  # newest first
    assert [r.id for r in find(page=2).rows] == [f"ord-{n:03d}" for n in range(10, -1, -1)]
    assert find(page=99).page == 2  # past the last page: the last page
    assert find(id="ord-01").total == 10  # ord-010 … ord-019
    assert find(id="ord-010").rows[0].amount == "100.00"
    assert find(member="bob").total == 30 and find(store="tea").total == 30
    assert {r.member for r in find(store="tea").rows} == {"bob"}
    assert find(status="created").total == 1 and find(status="completed").total == 60
    day = placed["ord-007"]
    one_day = find(since=day, until=day)
    assert [r.id for r in one_day.rows] == ["ord-007"]
    assert find(since=placed["ord-050"]).total == 11  # ord-050 … ord-059 and open-1
    assert find(id="%").total == 0 and find(id="ord_").total == 0  # no wildcards
    assert find(id="ORD-01").total == 0  # an id is told by its case
    assert find(id="ord-059").total == 1 and find(id="ord-06").total == 0  # the range's end

    # the count stops at a bound (queries/counting.py): past it, honestly "more than"
    monkeypatch.setattr(counting, "COUNT_BOUND", 20)
    bounded = find()
    # the bound is at least the asked page's end: 50 here, 61 orders
    assert (bounded.total, bounded.exact, bounded.pages) == (PAGE_SIZE, False, 2)
    deeper = find(page=2)  # counted on to its end: exact again
    assert (deeper.total, deeper.exact, deeper.rows[-1].id) == (61, True, "ord-000")
    assert find(member="bob").exact and find(member="bob").total == 30
    sign_in(api.client, api.tenant)
    page = api.client.get("/console/orders")
    assert page.status_code == 200 and "More than 50 orders found" in page.text


def test_an_order_shows_its_split_and_every_movement_and_is_reversed_with_a_reason(
    api: Api, context: Context, clock: Clock
) -> None:
    api.pool()
    api.member("payer")
    api.completed_order("big-1", "payer", amount="1000.00", contribution="300.00")
    detail = console_orders.order_detail(context, owner(api), "big-1")
    assert detail.order.amount == "1000.00" and detail.order.lines[0].contribution == "300.00"
    assert detail.movements and {m.cause for m in detail.movements} == {"order"}
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for m in detail.movements:
        sums[m.asset] += Decimal(m.amount)
    assert set(sums.values()) == {Decimal(0)}  # each asset's movements balance
    minted = api.ok(api.get("/v1/orders/big-1"))["points"]["main"]
    held = [m for m in detail.movements if m.member == "payer" and m.asset != "CNY"]
    assert sum(Decimal(m.amount) for m in held) == Decimal(minted) > 0

    csrf = sign_in(api.client, api.tenant)
    page = api.client.get("/console/orders?member=payer")
    assert page.status_code == 200 and 'href="/console/orders/big-1"' in page.text
    shown = api.client.get("/console/orders/big-1").text
    assert "Reverse the order" in shown and "payer" in shown
    refused = api.client.post("/console/orders/big-1/reverse", data={"csrf": csrf, "reason": ""})
    assert refused.status_code == 422 and 'id="e-reason"' in refused.text
    assert "a reversal needs a reason" in refused.text
    assert api.ok(api.get("/v1/orders/big-1"))["status"] == "completed"  # nothing changed
    reversed_ = api.client.post(
        "/console/orders/big-1/reverse",
        data={"csrf": csrf, "reason": "customer returned the goods"},
        follow_redirects=False,
    )
    assert reversed_.status_code == 303
    assert api.ok(api.get("/v1/orders/big-1"))["status"] == "reversed"
    [logged] = [a for a in api.ok(api.get("/v1/audit-log")) if a["action"] == "order.reversed"]
    assert logged["reason"] == "customer returned the goods" and logged["actor"] == "user:owner"
    after = console_orders.order_detail(context, owner(api), "big-1")
    undone = [m for m in after.movements if m.cause == "reverse"]
    assert undone and sum(
        Decimal(m.amount) for m in undone if m.member == "payer" and m.asset != "CNY"
    ) == -Decimal(minted)
    page = api.client.get("/console/orders/big-1").text
    assert "Order big-1 was reversed." in page and "Reverse the order" not in page
    assert re.search(r'data-cause="reverse"', page)


def test_the_store_picker_offers_what_a_typed_text_finds(api: Api) -> None:
    """/console/config/stores/pick.json: the first stores whose id starts with the text
    or whose name holds it (case aside), by id, as id and label, for the orders' store
    filter (static/js/pick.js); nothing for nothing typed. The orders page asks for it."""
    rates = {"commission_rate": "0.20", "platform_rate": "0.02", "distribution_rate": "0.02"}
    for store, name in (("tea-1", "东门茶铺"), ("tea-2", "West Tea House"), ("noodle", "茶面馆")):
        api.ok(api.put(f"/v1/stores/{store}", {**rates, "name": name}))
    sign_in(api.client, api.tenant)

    def picked(text: str) -> list[dict[str, str]]:
        answer = api.client.get("/console/config/stores/pick.json", params={"q": text})
        assert answer.status_code == 200
        return list(answer.json())

    assert picked("tea") == [
        {"id": "tea-1", "label": "东门茶铺"},
        {"id": "tea-2", "label": "West Tea House"},
    ]  # an id's start, and "Tea" in a name, case aside
    assert [s["id"] for s in picked("茶")] == ["noodle", "tea-1"]  # within a name
    assert picked("ea-") == [] and picked(" ") == []  # not within an id; nothing typed
    page = api.client.get("/console/orders").text
    assert re.search(r'<input id="o-store" name="store"[^>]* data-pick="store"', page)
    assert '<script src="/static/js/pick.js"></script>' in page


def test_an_order_refunded_before_completion_is_not_said_to_move_money_later(
    api: Api,
) -> None:
    """Refunded while paid (in its return window), an order never completes: its page
    said "Nothing yet: an order moves money and points when it completes"."""
    api.pool()
    api.member("payer")
    settings = {"completion_delay_seconds": 3600}
    assert api.put("/v1/tenant/settings", settings).status_code == 200
    api.ok(
        api.post(
            "/v1/orders",
            {"id": "w-1", "member": "payer", "amount": "100.00", "contribution": "30.00"},
        )
    )
    api.ok(api.post("/v1/orders/w-1/pay"))
    sign_in(api.client, api.tenant)
    waiting = api.client.get("/console/orders/w-1").text
    assert "Nothing yet: an order moves money and points when it completes." in waiting
    assert api.ok(api.post("/v1/orders/w-1/refund"))["status"] == "refunded"
    closed = api.client.get("/console/orders/w-1").text
    assert "when it completes" not in closed
    assert "refunded or cancelled before it completed" in closed


def test_a_paid_order_is_refunded_from_the_console_with_a_reason(api: Api) -> None:
    """In its return window a paid order is refunded from its page (the API's refund):
    a reason is asked for and kept by the audit log; nothing had moved, so nothing does."""
    api.pool()
    api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 7 * 86_400}))
    api.member("payer")
    api.ok(
        api.post(
            "/v1/orders",
            {"id": "p-1", "member": "payer", "amount": "100.00", "contribution": "30.00"},
        )
    )
    api.ok(api.post("/v1/orders/p-1/pay"))
    assert api.ok(api.get("/v1/orders/p-1"))["status"] == "paid"
    csrf = sign_in(api.client, api.tenant)
    shown = api.client.get("/console/orders/p-1").text
    assert "Refund the order" in shown and "Reverse the order" not in shown
    refused = api.client.post("/console/orders/p-1/refund", data={"csrf": csrf, "reason": ""})
    assert refused.status_code == 422 and 'id="e-reason"' in refused.text
    assert "a refund needs a reason" in refused.text
    assert api.ok(api.get("/v1/orders/p-1"))["status"] == "paid"  # nothing changed
    done = api.client.post(
        "/console/orders/p-1/refund",
        data={"csrf": csrf, "reason": "the customer changed their mind"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert api.ok(api.get("/v1/orders/p-1"))["status"] == "refunded"
    [logged] = [a for a in api.ok(api.get("/v1/audit-log")) if a["action"] == "order.refunded"]
    assert logged["reason"] == "the customer changed their mind"
    page = api.client.get("/console/orders/p-1").text
    assert "Order p-1 was refunded." in page and "Refund the order" not in page
    again = api.client.post("/console/orders/p-1/refund", data={"csrf": csrf, "reason": "twice"})
    assert again.status_code == 200 and "was refunded" in again.text  # a repeat: once
    assert api.ok(api.get("/v1/orders/p-1"))["status"] == "refunded"
    logged = [a for a in api.ok(api.get("/v1/audit-log")) if a["action"] == "order.refunded"]
    assert [a["reason"] for a in logged] == ["the customer changed their mind"]
    api.ok(
        api.post(
            "/v1/orders",
            {"id": "p-2", "member": "payer", "amount": "100.00", "contribution": "30.00"},
        )
    )
    api.ok(api.post("/v1/orders/p-2/pay"))
    zh = api.client.get("/console/orders/p-2", headers={"accept-language": "zh-CN"}).text
    assert "退款（完成前）" in zh and ">退款</button>" in zh and "Refund" not in zh


def test_an_orders_movements_say_into_an_account_with_a_plus_as_the_page_explains(
    api: Api,
) -> None:
    """The movements' explanation says "+ into the account, − out of it" (+ 为转入该账户), but
    a movement into an account was written bare (平台利润 ¥700.00) beside −¥1,000.00: it
    now carries its +, points too; a movement out keeps its −."""
    api.pool()
    api.member("payer")
    api.completed_order("plus-1", "payer", amount="1000.00", contribution="300.00")
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/orders/plus-1").text
    assert "+ 为转入该账户" in page
    changes = re.findall(r'data-label="变动：">([^<]*)', page)
    assert "−¥1,000.00" in changes and "+¥700.00" in changes, changes  # the buyer, the platform
    assert not [c for c in changes if c[:1] not in "+−"], changes  # each says which way


def test_a_filter_too_long_is_refused_at_its_field_with_the_form_kept(api: Api) -> None:
    """An order id, member or store of 300 characters in the orders' search answered the
    error page (最多 128 个字符（编号）), the search form gone with what was typed. It is
    refused at its field on the list's page, as a wrong day or status is."""
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    for name in ("id", "member", "store"):
        typed = "x" * 300
        page = api.client.get("/console/orders", params={name: typed})
        assert page.status_code == 422, (name, page.status_code)
        assert 'role="search"' in page.text, name  # the form is there
        field = re.search(rf'<input id="o-{name}" name="{name}"[^>]*>', page.text)
        assert field is not None and 'aria-invalid="true"' in field.group(0), name
        assert f'value="{typed}"' in field.group(0), name
