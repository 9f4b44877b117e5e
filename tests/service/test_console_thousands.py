"""An amount as the pages show it (¥1,000.00), copied into a form: the console's and the
member page's amount fields refused "1,000" as no number (请填写数字), though every page
writes amounts so. A form's field written wholly as a number grouped by commas in threes
(1,000 / 12,345,678.90 / １，０００ / ¥1,000.00) is read as that number; a comma that
groups no three digits (1,00 / 10,0000) is refused as before, naming the field. Text
that is not wholly a number (a name with commas) is kept as typed. The JSON API stays
strict."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import FormData

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_pages import sign_in
from zengzhi.i18n.format import money
from zengzhi.web.pages import Form, typed


def test_a_subsidy_of_one_thousand_as_the_page_writes_it_is_put_in(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    for n, amount in enumerate(["1,000", "1,000.00", "１，０００", "¥1,000.00", "￥1,000"]):
        form = {"csrf": csrf, "id": f"console-s{n}", "amount": amount}
        done = api.client.post("/console/pools/main/subsidy", data=form)
        assert done.status_code == 200, (amount, done.text)
        assert "已向积分池 main 投入补贴 ¥1,000.00。" in done.text, amount
    for n, amount in enumerate(["1,00", "10,0000", "1,000,00", ",100", "1,,000"]):
        form = {"csrf": csrf, "id": f"console-r{n}", "amount": amount}
        refused = api.client.post("/console/pools/main/subsidy", data=form)
        assert refused.status_code == 422, (amount, refused.text)
        said = re.search(r'id="e-subsidy-main-amount"[^>]*>([^<]*)<', refused.text)
        assert said is not None and "请填写数字" in said.group(1), (amount, refused.text)


def test_the_member_page_reads_grouped_points(api: Api) -> None:
    api.pool()
    api.member("m1", name="Ann")
    api.completed_order("o1", "m1")
    client = api.client
    client.cookies.clear()
    enter_member_page(client, api.ok(api.post("/v1/members/m1/page-token")))
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/m").text)
    assert csrf is not None
    quote = client.post(
        "/m/sell/quote", data={"csrf": csrf.group(1), "pool": "main", "points": "1,000,000"}
    )
    # read as a million (more than m1 holds), not refused as no number
    assert quote.status_code == 422 and "cannot sell 1000000.0000 points" in quote.text
    bad = client.post(
        "/m/sell/quote", data={"csrf": csrf.group(1), "pool": "main", "points": "1,00"}
    )
    assert bad.status_code == 422 and "is not a decimal" in bad.text, bad.text


def test_text_with_commas_is_kept_as_typed() -> None:
    form = Form(FormData([("name", "张三, 李四"), ("note", "1,000 元"), ("n", "101,102 ")]))
    assert form.get("name") == "张三, 李四"
    assert form.get("note") == "1,000 元"
    assert form.values()["name"] == "张三, 李四"
    assert typed("1,2,3") == "1,2,3" and typed("¥") == "¥" and typed("1,000¥") == "1,000¥"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_an_amount_as_a_page_writes_it_reads_as_itself(amount: Decimal) -> None:
    shown = f"{amount:,.2f}"
    assert Decimal(typed(shown)) == amount
    assert Decimal(typed(money(str(amount)))) == amount  # −¥1,000.00, as a page shows it
    full_width = shown.translate(str.maketrans("0123456789.,-", "０１２３４５６７８９．，－"))
    assert Decimal(typed(full_width)) == amount


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=6))
def test_a_comma_that_groups_no_three_digits_is_kept(number: int, width: int) -> None:
    digits = str(number)
    if width == 3 or len(digits) <= width:
        return
    text = f"{digits[:-width]},{digits[-width:]}"
    assert typed(text) == text
