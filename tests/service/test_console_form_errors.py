"""What a console form says about bad values: every message in the page's language (no
pydantic English on a Chinese page), and every bad field flagged at once, each next to
its own field."""

from __future__ import annotations

import re
from html import unescape

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in

ENGLISH_OF_PYDANTIC = re.compile(r"Input should|String should|Value error|should have")
# the settings form's fields that take a number, each given a different wrong value
BAD_SETTINGS = {
    "completion_delay_days": "0.000001",
    "withdrawals.minimum": "1e3",
    "withdrawals.fee_rate": "１０００",
    "withdrawals.fee_fixed": "abc",
    "withdrawals.auto_approve_limit": "x" * 10_000,
}


def field_errors(html: str) -> dict[str, str]:
    """Each field flagged on the page, and the message beside it."""
    found = re.findall(r'<p class="field-error" id="e-([^"]+)" role="alert">([^<]*)</p>', html)
    return {name: unescape(message) for name, message in found}


def settings(csrf: str, **changed: str) -> dict[str, str]:
    form = {
        "csrf": csrf,
        "timezone": "Asia/Shanghai",
        "completion_delay_days": "0",
        "withdrawals.minimum": "1.00",
        "withdrawals.fee_rate": "0",
        "withdrawals.fee_fixed": "0.00",
        "withdrawals.auto_approve_limit": "0.00",
    }
    return form | changed


def test_a_chinese_console_says_every_form_problem_in_chinese(api: Api) -> None:
    client = api.client
    csrf = sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    # "-1" is refused by the service's rule (fees not negative), not by the model
    for name, wrong in [*BAD_SETTINGS.items(), ("withdrawals.minimum", "-1"), ("timezone", "")]:
        page = client.post("/console/config/settings", data=settings(csrf, **{name: wrong}))
        assert page.status_code == 422, (name, page.text)
        flagged = field_errors(page.text)
        assert list(flagged) == [name], (name, flagged)
        assert not ENGLISH_OF_PYDANTIC.search(page.text), (name, flagged)
        assert re.search(r"[\u4e00-\u9fff]", flagged[name]), (name, flagged)
    api.member("m1")
    too_long = client.post("/console/members/m1", data={"csrf": csrf, "name": "名" * 10_000})
    assert too_long.status_code == 422
    assert re.search(r"[\u4e00-\u9fff]", field_errors(too_long.text)["name"])
    assert not ENGLISH_OF_PYDANTIC.search(too_long.text)


def test_a_form_with_several_bad_fields_flags_each_at_once(api: Api) -> None:
    client = api.client
    csrf = sign_in(client, api.tenant)
    for language in ("zh", "en"):
        client.cookies.set("zz_lang", language)
        page = client.post("/console/config/settings", data=settings(csrf, **BAD_SETTINGS))
        assert page.status_code == 422
        flagged = field_errors(page.text)
        assert sorted(flagged) == sorted(BAD_SETTINGS), flagged
        assert not ENGLISH_OF_PYDANTIC.search(page.text), flagged
        for name in BAD_SETTINGS:  # each input points at its own message
            assert f'aria-describedby="e-{name}"' in page.text, name
    assert api.ok(api.get("/v1/tenant"))["settings"]["withdrawals"]["minimum"] != "1e3"
    # the service's own rules too (was: a negative fee, then the other, one a submission)
    rules = {
        "withdrawals.fee_fixed": "-1",
        "withdrawals.minimum": "-2",
        "withdrawals.fee_rate": "1",
    }
    page = client.post("/console/config/settings", data=settings(csrf, **rules))
    assert page.status_code == 422
    assert field_errors(page.text) == {
        "withdrawals.fee_fixed": "must not be negative",
        "withdrawals.minimum": "must not be negative",
        "withdrawals.fee_rate": "must be below 1",
    }


def test_a_bad_address_of_the_console_is_said_in_chinese(api: Api) -> None:
    client = api.client
    sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    page = client.get("/console/orders?page=0")
    assert page.status_code == 422
    assert "不能小于 1（页码）" in page.text and not ENGLISH_OF_PYDANTIC.search(page.text)
    unknown = client.get("/console/members/zzz")
    assert unknown.status_code == 404
    assert "未知会员" in unknown.text and "(member)" not in unknown.text  # no English name
    # the sentence names what was not found: not 未知会员 “zzz”（会员）, the field again
    said = unescape(unknown.text)
    assert "未知会员 “zzz”（会员）" not in said and "未知会员 “zzz”" in said
    client.cookies.set("zz_lang", "en")
    assert "must be at least 1 (page number)" in client.get("/console/orders?page=0").text
    for day in ("-1", "9999999999", "2026-02-30"):  # each its own pydantic type
        said = field_errors(client.get(f"/console/orders?until={day}").text)
        assert said == {"until": "must be a day such as 2026-01-31"}, day


def test_a_bad_entry_of_a_list_is_flagged_at_its_field_with_its_value(api: Api) -> None:
    """A text holding several entries (pool names one a line, the members of a
    conversion): a bad one is said next to that text, naming the entry, not above the
    form with no field named."""
    api.pool()
    client = api.client
    csrf = sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    names = "main = 购物积分\n１０００ = 别的"
    page = client.post(
        "/console/config/settings", data=settings(csrf, **{"member_page.pool_names": names})
    )
    assert page.status_code == 422
    flagged = field_errors(page.text)
    assert list(flagged) == ["member_page.pool_names"], flagged
    assert "１０００" in flagged["member_page.pool_names"]
    assert "必须是 1 到 128 个字母" in flagged["member_page.pool_names"]
    assert 'class="notice error"' not in page.text

    long_name = client.post(
        "/console/config/settings",
        data=settings(csrf, **{"member_page.pool_names": "main = " + "名" * 300}),
    )
    flagged = field_errors(long_name.text)
    assert flagged == {"member_page.pool_names": "main：最多 200 个字符"}
    spaced = client.post(
        "/console/config/settings", data=settings(csrf, **{"member_page.pool_names": "a b = x"})
    )
    assert field_errors(spaced.text)["member_page.pool_names"].startswith("“a b”：必须是")

    conversion = {"csrf": csrf, "id": "c-1", "into": "shares", "rate": "1", "reason": "年终"}
    page = client.post("/console/pools/conversion", data={**conversion, "members": "m1 -x"})
    assert page.status_code == 422
    flagged = field_errors(page.text)
    assert list(flagged) == ["convert-members"], flagged
    assert "“-x”" in flagged["convert-members"]
    assert 'class="notice error"' not in page.text


def test_toml_that_does_not_parse_is_explained_in_chinese(api: Api) -> None:
    """What the TOML reader says (its own English: "Expected '=' after a key…") in the
    page's language, with where it is."""
    client = api.client
    csrf = sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    for text, said in (
        ("1e3", "键值对的键后面应为“=”（位置：文末）"),
        ("[commission\nrates = 1", "表声明的末尾应为“]”（位置：第 1 行第 12 列）"),
        # a number typed in full-width characters is read as that number (forms, 6c18c2c)
        ("１０００", "键值对的键后面应为“=”（位置：文末）"),
        ("１０００ 元", "语句无效（位置：第 1 行第 1 列）"),
    ):
        page = client.post(
            "/console/config/distribution", data={"csrf": csrf, "distribution": text}
        )
        assert page.status_code == 422
        assert field_errors(page.text)["distribution"] == f"不是有效的 TOML：{said}", text


def test_an_empty_field_that_must_be_filled_is_said_to_be_required(api: Api) -> None:
    api.pool()
    client = api.client
    csrf = sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    page = client.post("/console/pools/main/subsidy", data={"csrf": csrf, "id": "s1", "amount": ""})
    assert page.status_code == 422
    assert field_errors(page.text) == {"subsidy-main-amount": "必填"}  # pool main's own field


def test_a_new_item_without_an_id_is_told_the_id_is_required(api: Api) -> None:
    client = api.client
    csrf = sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    for kinds in ("products", "stores", "zones"):
        page = client.post(
            f"/console/config/{kinds}", data={"csrf": csrf, "id": "", "action": "check"}
        )
        assert page.status_code == 422, kinds
        assert field_errors(page.text)["id"] == "必填", kinds


def test_an_uploaded_scenario_is_named_by_its_file_and_said_once(api: Api) -> None:
    """A simulation's uploaded scenario that does not read: the message names the file
    uploaded (not the shipped scenario the list had selected), beside the upload field
    once, with no internal field name before it."""
    client = api.client
    csrf = sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    shipped = re.search(r'<option value="([^"]+\.toml)">', client.get("/console/simulations").text)
    assert shipped is not None
    page = client.post(
        "/console/simulations",
        data={"csrf": csrf, "shipped": shipped.group(1)},
        files={"upload": ("mine.toml", b"[pool\nx = 1", "text/plain")},
    )
    assert page.status_code == 422
    said = field_errors(page.text)["upload"]
    assert said.startswith("mine.toml 不是有效的 TOML：表声明的末尾应为“]”"), said
    assert 'class="notice error"' not in page.text
    unknown = client.post(
        "/console/simulations",
        data={"csrf": csrf},
        files={"upload": ("mine.toml", b"nonsense = 1\n", "text/plain")},
    )
    assert field_errors(unknown.text) == {"upload": "nonsense：不是已知字段"}
    assert 'class="notice error"' not in unknown.text
    gbk = client.post(
        "/console/simulations",
        data={"csrf": csrf},
        files={"upload": ("mine.toml", "name = '消费'\n".encode("gbk"), "text/plain")},
    )
    assert field_errors(gbk.text) == {"upload": "mine.toml 不是 UTF-8 编码的文本"}


def test_the_empty_webhooks_page_says_who_may_subscribe(api: Api) -> None:
    """With no subscription, the page says who makes one: an owner or operator (the
    shop's API key is refused, 403), as docs/integration.md says."""
    client = api.client
    sign_in(client, api.tenant)
    key = api.as_role("integrator")
    body = {"url": "https://shop.example/hooks", "event_types": ["*"]}
    assert api.post("/v1/webhooks", body, token=key).status_code == 403
    for language, said in (("en", "An owner or operator"), ("zh", "所有者或运营")):
        client.cookies.set("zz_lang", language)
        page = client.get("/console/webhooks").text
        assert said in page and "integrator" not in page.lower() and "对接方" not in page


def test_a_conversion_is_chosen_into_cash_shares_or_points_from_a_list(api: Api) -> None:
    """What a conversion pays in is one of three: a list to choose from (it was a text
    box where 'cash', 'shares' or 'points' had to be typed, in English on a zh page)."""
    api.pool()
    client = api.client
    sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    page = client.get("/console/pools").text
    chosen = re.search(r'<select id="f-convert-into" name="into".*?</select>', page, re.S)
    assert chosen is not None
    options = re.findall(r'<option value="(\w+)"( selected)?>([^<]+)</option>', chosen.group(0))
    assert [(value, text) for value, _, text in options] == [
        ("cash", "现金（进入零钱）"),
        ("shares", "股权（分红权重）"),  # as the form's explanation names them, no code
        ("points", "增值积分"),
    ]
    assert [value for value, selected, _ in options if selected] == ["shares"]
    assert '<label for="f-convert-into">兑换为</label>' in page


def test_a_negative_count_is_not_told_it_is_no_integer(api: Api) -> None:
    """-1 in the return window was answered 必须是整数 ("must be an integer"), which -1 is;
    the window is typed in days now (tests/service/test_console_return_window_days.py),
    and -1 is said to be negative."""
    client = api.client
    csrf = sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    page = client.post("/console/config/settings", data=settings(csrf, completion_delay_days="-1"))
    said = field_errors(page.text)["completion_delay_days"]
    assert said == "不能为负数", said


def test_check_refuses_at_its_field_what_save_would_refuse(api: Api) -> None:
    """A product at ¥−1 or ¥0.001, a store whose shares exceed its commission: Check
    showed the lint's `products.p1.price 必须大于 0 (config.invalid)` as a finding, with
    Save offered beside it, and Save then refused it at the field. Check and a dry run now
    refuse it as Save does: next to the field, nothing checked, no Save, no run."""
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    for price, said in (("-1", "必须大于 0"), ("0.001", "最多 2 位小数（当前值：0.001）")):
        for action in ("check", "dryrun"):
            product = {"id": "p1", "price": price, "platform": price, "action": action}
            page = api.client.post("/console/config/products", data={"csrf": csrf, **product})
            assert page.status_code == 422, (price, action)
            assert field_errors(page.text) == {"price": said}, (price, action)
            assert 'value="save"' not in page.text and "config.invalid" not in page.text
    store = {"id": "s1", "commission_rate": "0.1", "platform_rate": "0.1"}
    page = api.client.post(
        "/console/config/stores",
        data={"csrf": csrf, **store, "distribution_rate": "0.1", "action": "check"},
    )
    assert page.status_code == 422
    # at the share that takes the sum past the commission (it was named commission_rate)
    assert field_errors(page.text) == {"distribution_rate": "平台比例与分销比例之和超过了佣金比例"}
    assert api.get("/v1/products/p1").status_code == 404
    assert api.get("/v1/stores/s1").status_code == 404


def test_each_pools_subsidy_amount_has_its_own_label_and_message(api: Api) -> None:
    """With two pools the page had two inputs with id f-amount: the second pool's label
    (金额（元）) and a refusal's message named the first pool's field, so a click on it, a
    screen reader or the red message led to the wrong pool."""
    api.pool()
    api.pool("local")
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    form = {"csrf": csrf, "id": "console-1", "amount": "1e3"}
    page = api.client.post("/console/pools/local/subsidy", data=form).text
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert f'id="{target}"' in page, target
    local = page.split('action="/console/pools/local/subsidy"')[1].split("</form>")[0]
    assert 'aria-invalid="true" aria-describedby="e-subsidy-local-amount"' in local
    assert 'id="e-subsidy-local-amount"' in local


def test_a_pool_name_written_without_its_equals_sign_is_told_how_to_write_it(api: Api) -> None:
    """`main 购物积分` (the = forgotten) was refused with the id rule: 'main 购物积分': 必须是
    1 到 128 个字母、数字或 _.:@-…, which does not say what to write."""
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    names = "main = 购物积分\nlocal 本地积分"
    page = api.client.post(
        "/console/config/settings", data=settings(csrf, **{"member_page.pool_names": names})
    )
    assert page.status_code == 422
    said = "第 2 行没有“=”：每个积分池写成“编号 = 名称”，例如 main = 购物积分"
    assert field_errors(page.text) == {"member_page.pool_names": said}
    assert "local 本地积分" in page.text  # the text kept
    assert api.ok(api.get("/v1/tenant"))["settings"]["member_page"]["pool_names"] == {}


def test_an_address_whose_path_no_page_takes_is_not_found(api: Api) -> None:
    """/console/simulations/nosuch and /console/config/dry-runs/nosuch answered 422 输入无效。
    格式不符合此项的要求 (the run id's pattern): a run that does not exist is a page that
    does not exist, said as every other (找不到。没有这个页面)."""
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    for path in ("/console/simulations/nosuch", "/console/config/dry-runs/nosuch"):
        page = api.client.get(path)
        assert page.status_code == 404, path
        assert "没有这个页面" in page.text and "格式不符合" not in page.text, path
    assert api.client.get("/console/orders?page=0").status_code == 422  # a query: its field


def test_event_types_are_separated_as_a_chinese_keyboard_types_them(api: Api) -> None:
    """A Chinese input method types ， and 、 between the event types: the form split on
    spaces and ASCII commas only, so `order.completed，withdrawal.*` was one type and was
    refused as "'order.completed，withdrawal.*': 格式不符合此项的要求", a sentence that
    says neither what is wrong nor what a type looks like. They separate types as , does;
    a type that is not one (订单完成) is refused at its field saying what a type is."""
    client = api.client
    csrf = sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    for n, typed in enumerate(("order.completed，withdrawal.*", "order.completed、withdrawal.*")):
        form = {"csrf": csrf, "id": f"console-sep-{n}", "url": f"https://shop.example/h{n}"}
        made = client.post("/console/webhooks", data={**form, "event_types": typed})
        assert made.status_code == 200 and "whsec_" in made.text, field_errors(made.text)
    kept = [h["event_types"] for h in api.ok(api.get("/v1/webhooks"))]
    assert kept == [["order.completed", "withdrawal.*"]] * 2, kept
    form = {"csrf": csrf, "id": "console-bad", "url": "https://shop.example/bad"}
    refused = client.post("/console/webhooks", data={**form, "event_types": "订单完成"})
    assert refused.status_code == 422
    said = field_errors(refused.text)
    assert said == {
        "event_types": "“订单完成”：须为英文小写的事件类型，如 order.completed、withdrawal.* 或 *"
    }, said
    assert len(api.ok(api.get("/v1/webhooks"))) == 2  # nothing more subscribed
