"""Every form of the console and of the member page, fed hostile values as an outside
checker would type or paste them ("1e3", "１０００", a NUL, 5,000 characters…), one
field at a time, the other fields as the page filled them, on a Chinese page:

- no answer is a fault of ours (500);
- a refusal (4xx) names a field on the page (an alert or a field's error) in Chinese:
  no English sentence of the service's left untranslated;
- a refusal changes nothing: no audit record, no event, no journal entry, and the books
  still balance (`check_ledger`);
- the refused form is shown again with what was typed, but never a password or a key;
- a value accepted is read as the page said it is (a full-width "１０００" as 1000).

The pages walked are those the console's navigation and configuration tabs lead to, and
one page of each kind of detail (a member, an order, a pool, a zone, a product, a
store, a subscription); the member page's four forms with a page token; a 100 MB form.
Each field is given a few of the values in turn (`PER_FIELD`), so that the walk stays
within a few hundred requests. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.i18n import Translator
from zengzhi.service.audit import check_ledger
from zengzhi.service.base import Context
from zengzhi.store import tables as t
from zengzhi.web.pages import LANGUAGE_COOKIE, REFUSAL_COOKIE

HOSTILE = [
    "1e3",
    "１０００",
    "-1",
    "0",
    "0.001",
    "NaN",
    "Infinity",
    "",
    " ",
    "x" * 5000,
    "\u200b",
    "\u202e",
    "a\x00b",
    "<script>x</script>",
    "１２３．４５",
    "1,000.00",
    "9" * 40,
    "9" * 5000,  # past int()'s 4,300 digits: Python's own English error was shown
    "٣",  # Arabic-Indic 3: a return window read it as 3 days (Python's `\d`)
]
# values a field is given, in turn, so that every value reaches every kind of field within
# a few hundred requests (each field is given the next ones)
PER_FIELD = 3
# a secret typed into a form: a refused form never writes it back
SECRET_TYPED = "Typed-Secret-7f3a9c"
# a confirmation's values, hidden, that a page edited by hand can change
TAMPERED = {"points", "amount", "min_payout", "pool"}
SECRET_FIELDS = re.compile(r"password|private_key|apiv3_key|secret")
# forms that end this session or are not an operator's input about the tenant
NOT_WALKED = {"/console/logout", "/m/logout"}
ZH = Translator("zh")
# where a field's name for people is found (templates/macros.html field_named)
LABELS = ("field.", "settings.", "pool_field.", "item_field.", "audit_field.")
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}){2,}")


@dataclass
class Form:
    page: str
    action: str
    fields: list[tuple[str, str]]  # (name, value) as the page filled them, in order
    typed: list[str]  # the visible fields one types into (text, number, text area)
    secrets: list[str] = field(default_factory=list)
    hidden: bool = False  # `typed` are hidden values (a page edited by hand), not fields
    gone: bool = False  # no longer on its page (sent again from a tab left open)


def _attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return html.unescape(found.group(1)) if found else None


CONTROLS = r"<input[^>]*>|<textarea[^>]*>.*?</textarea>|<select[^>]*>.*?</select>"


def post_forms(page: str, path: str, fill: bool = True) -> list[Form]:
    """The page's forms that post, each with its fields as the page filled them (and,
    with `fill`, a secret typed into each secret and an id into a blank id)."""
    forms = []
    for found in re.finditer(r"<form(?P<attrs>[^>]*)>(?P<body>.*?)</form>", page, re.S):
        if _attr(found["attrs"], "method") != "post":
            continue
        action = _attr(found["attrs"], "action") or path
        one = Form(path, action, [], [])
        body = found["body"]
        # a control belongs to the form its `form` attribute names, wherever it stands (a
        # withdrawal's reason box sits inside the batch's form and is its row's form's)
        mine = _attr(found["attrs"], "id")
        tags = [
            tag for tag in re.findall(CONTROLS, body, re.S) if _attr(tag, "form") in (None, mine)
        ]
        if mine is not None:
            outside = page[: found.start()] + page[found.end() :]
            tags += [
                tag for tag in re.findall(CONTROLS, outside, re.S) if _attr(tag, "form") == mine
            ]
        for tag in tags:
            name = _attr(tag, "name")
            if name is None:
                continue
            if tag.startswith("<textarea"):
                inner = re.search(r"<textarea[^>]*>(.*?)</textarea>", tag, re.S)
                value = html.unescape(inner.group(1)) if inner else ""
                value = value.removeprefix("\n")  # HTML drops a text area's first newline
                kind = "textarea"
            elif tag.startswith("<select"):
                options = re.findall(r"<option([^>]*)>", tag)
                chosen = [o for o in options if re.search(r"\sselected", o)] or options[:1]
                value = (_attr(chosen[0], "value") or "") if chosen else ""
                kind = "select"
            else:
                kind = _attr(tag, "type") or "text"
                value = _attr(tag, "value") or ""
                if kind in ("checkbox", "radio") and not re.search(r"\schecked", tag):
                    continue
                if kind in ("submit", "button", "file"):
                    continue
            if kind == "password" or SECRET_FIELDS.search(name):
                one.secrets.append(name)
                value = SECRET_TYPED if fill else value
            elif kind in ("text", "number", "textarea", "tel", "search", "url", "email"):
                one.typed.append(name)
                if name == "id" and not value and fill:  # a form that creates: its new id
                    value = "fz1"
            one.fields.append((name, value))
        # what the form's first button sends (a configuration form's Check saves nothing)
        buttons = [
            b
            for b in re.findall(r"<button[^>]*>", body)
            if "formaction" not in b and _attr(b, "type") in (None, "submit")
        ]
        if buttons and _attr(buttons[0], "name") is not None:
            one.fields.append((_attr(buttons[0], "name") or "", _attr(buttons[0], "value") or ""))
        forms.append(one)
    return forms


def a_tenant_with_everything(api: Api) -> None:
    """Something on every page: pools, a zone with modes, a product, a store, members
    with orders and money, a withdrawal held, a subscription."""
    a_member_with_money(api)  # pool main, m1 with order o1 and 1600.00 in the wallet
    api.pool("local", exit_multiple="1.2")
    api.member("m2", name="李四", phone="13800138000")
    api.completed_order("o2", "m2", amount="200.00", contribution="60.00")
    modes = {"union": {"funding": "0.5", "lock_days": 0}, "ads": {"ratio": "1", "backed": True}}
    api.ok(api.put("/v1/zones/club", {"modes": modes}))
    product = {"price": "1000.00", "cost": "300.00", "distribution": "300.00"}
    api.ok(
        api.put("/v1/products/gift", {**product, "platform": "100.00", "contribution": "300.00"})
    )
    store = {"commission_rate": "0.20", "platform_rate": "0.02", "distribution_rate": "0.02"}
    api.ok(api.put("/v1/stores/noodles", {**store, "pool": "local", "owner": "m2"}))
    api.member("m3", referrer="m1")  # m1's referees can be given another referrer
    paid = {"id": "o3", "member": "m3", "amount": "100.00", "contribution": "30.00"}
    api.ok(api.post("/v1/orders", paid))
    api.ok(api.post("/v1/orders/o3/pay"))  # paid, not completed: refunded, not reversed
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "10.00"}))
    api.ok(api.post("/v1/webhooks", {"url": "https://shop.example/h", "event_types": ["*"]}))


def nav_pages(client: TestClient) -> set[str]:
    """The console's pages its navigation and the configuration's tabs lead to."""
    found = set()
    for start in ("/console", "/console/config"):
        page = client.get(start).text
        menus = r'<nav[^>]*>(.*?)</nav>|<ul class="tabs"[^>]*>(.*?)</ul>'
        for nav in ("".join(parts) for parts in re.findall(menus, page, re.S)):
            for href in re.findall(r'href="(/console[^"?#]*)"', nav):
                found.add(html.unescape(href))
    return found - {"/console/logout"}


# forms the walk must reach (a form that goes missing from its page fails the test)
WALKED = {
    "/console/config/pools",
    "/console/config/pools/main",
    "/console/config/zones",
    "/console/config/products",
    "/console/config/stores",
    "/console/config/distribution",
    "/console/config/settings",
    "/console/config/payments/wechat",
    "/console/config/payments/alipay",
    "/console/config/payments/webhook",
    "/console/members/m1",
    "/console/members/m1/referrer",
    "/console/members/m1/referees/referrer",
    "/console/orders/o1/reverse",
    "/console/pools/main/subsidy",
    "/console/pools/main/pause",
    "/console/pools/income",
    "/console/pools/conversion",
    "/console/users",
    "/console/users/keys",
    "/console/webhooks",
    "/console/withdrawals/batch",
}
DETAILS = {
    "/console/members/m1",
    "/console/orders/o1",
    "/console/orders/o3",
    "/console/withdrawals?status=held",
    "/console/config/pools/main",
    "/console/config/zones/club",
    "/console/config/zones/new",
    "/console/config/products/gift",
    "/console/config/products/new",
    "/console/config/stores/noodles",
    "/console/config/stores/new",
}


def snapshot(context: Context, tenant: str) -> tuple[int, ...]:
    """What a refusal must leave as it was: the audit records, events and journal entries."""
    with context.database.writer.connect() as connection:
        return tuple(
            int(
                connection.execute(
                    select(func.count()).where(one.c.tenant_id == tenant)
                ).scalar_one()
            )
            for one in (t.audit_log, t.events, t.entries)
        )


def said(page: str) -> str:
    """What a page says in its alerts and fields' errors, as text."""
    parts = re.findall(
        r'<(div|p|section|span)[^>]*(?:role="alert"|class="[^"]*field-error[^"]*")[^>]*>(.*?)</\1>',
        page,
        re.S,
    )
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(part for _, part in parts)))


def flagged(page: str) -> set[str]:
    """The fields a page marks as refused."""
    found = set()
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*aria-invalid=\"true\"[^>]*>", page):
        name = _attr(tag, "name")
        if name:
            found.add(name)
    return found


FULL_WIDTH = str.maketrans({chr(0xFF10 + n): str(n) for n in range(10)} | {"．": ".", "－": "-"})


UNITS = {"天": 86400, "小时": 3600, "分": 60, "秒": 1}


def _days(shown: str) -> Decimal | None:
    """A return window as a Chinese page writes one (`123 天 10 小时 48 分`), in days."""
    parts = re.findall(r"(\d+) (天|小时|分|秒)", shown)
    if not parts or " ".join(f"{n} {u}" for n, u in parts) != shown:
        return None
    return Decimal(sum(int(n) * UNITS[u] for n, u in parts)) / 86400


def same_reading(shown: str, typed: str) -> bool:
    """`shown` (what a page writes back) reads as `typed`: the same text, or the same
    number once a full-width one is read as the ASCII one, one grouped by commas (1,000.00)
    as the one without (a number of days written as a duration too)."""
    if shown in (typed, typed.strip()):
        return True
    plain = typed.strip().translate(FULL_WIDTH)
    if re.fullmatch(
        r"[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?", plain
    ):  # 1,000.00 as a page writes it
        plain = plain.replace(",", "")
    try:
        number = Decimal(plain)
    except InvalidOperation:
        return False
    days = _days(shown)
    if days is not None:
        return days == number
    try:
        return Decimal(shown.replace(",", "")) == number and plain.isascii()
    except InvalidOperation:
        return False


def field_value(page: str, action: str, name: str) -> str | None:
    for form in post_forms(page, "", fill=False):
        if form.action == action:
            for one, value in form.fields:
                if one == name:
                    return value
    return None


@dataclass
class Walk:
    api: Api
    context: Context
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    refresh: Callable[[], Form] | None = None
    # the member page refuses a control character on its error page, which names no
    # field (each of its forms has one) and shows no form again (docs/console.md)
    member_page: bool = False

    def fail(self, form: Form, name: str, value: str, answer: httpx.Response, why: str) -> None:
        shown = value if len(value) < 20 else f"{value[:10]}…({len(value)})"
        self.failures.append(f"{form.action} {name}={shown!r} → {answer.status_code}: {why}"[:400])

    def submit(self, form: Form, name: str, value: str) -> httpx.Response:
        data: dict[str, list[str]] = {}
        for one, filled in form.fields:
            data.setdefault(one, []).append(value if one == name else filled)
        self.sent += 1
        answer = self.api.client.post(
            form.action.split("#")[0],
            data=data,
            headers={"Referer": form.page},
            follow_redirects=False,
        )
        if answer.status_code == 303 and REFUSAL_COOKIE in answer.headers.get("set-cookie", ""):
            # a refusal answered as a page to reload (the withdrawals queue's rejections:
            # pages.see_other_with_refusal): the page it went back to says it
            return self.api.client.get(answer.headers["location"])
        return answer

    def field(self, form: Form, name: str, values: list[str]) -> Form:
        """Each value into the form's field `name`; the form as the page fills it next."""
        for value in values:
            before = snapshot(self.context, self.api.tenant)
            answer = self.submit(form, name, value)
            status = answer.status_code
            kind = "accepted" if status in (200, 303) and not flagged(answer.text) else "refused"
            self.outcomes[f"{status} {kind}"] = self.outcomes.get(f"{status} {kind}", 0) + 1
            if status >= 500:
                self.fail(form, name, value, answer, "a fault of ours")
                continue
            if SECRET_TYPED in answer.text:
                self.fail(form, name, value, answer, "a secret typed was written back")
            if kind == "refused":
                self.refused(form, name, value, answer, before)
            else:
                form = self.accepted(form, name, value, answer)
        return form

    def refused(
        self, form: Form, name: str, value: str, answer: httpx.Response, before: tuple[int, ...]
    ) -> None:
        text = answer.text
        if snapshot(self.context, self.api.tenant) != before:
            self.fail(form, name, value, answer, "refused, yet something changed")
        words = said(text)
        english = ENGLISH_SENTENCE.findall(words.replace(value, " "))
        if english:
            self.fail(form, name, value, answer, f"English on a Chinese page: {english[:2]}")
        if re.search(r"Input should|String should|Value error|valid", words):
            self.fail(form, name, value, answer, f"pydantic's English: {words[:200]}")
        if self.member_page and "\x00" in value:
            if "不能包含控制字符" not in words:
                self.fail(form, name, value, answer, f"a NUL refused as {words[:100]!r}")
            return
        if form.hidden or (form.gone and answer.status_code == 409):
            # no field to name or show again: said as the page's notice; or a form sent
            # again after the step it takes was taken (a pool paused): refused whole as
            # stale, above the forms the page shows now (docs/console.md)
            if not words.strip():
                self.fail(form, name, value, answer, "refused saying nothing")
            return
        names = {name, *(f"（{ZH(key + name)}）" for key in LABELS if ZH.has(key + name))}
        if not flagged(text) and not any(one in words for one in names):
            self.fail(form, name, value, answer, f"refused naming no field: {words[:100]!r}")
        shown = field_value(text, form.action, name)
        if shown is None:
            # a form the page no longer has (sent again after the step it takes was
            # taken: a pool paused, an order reversed) has nowhere to be shown
            # a control character is refused on the error page, the form not shown again
            # (docs/console.md: "refused whole")
            if answer.status_code == 422 and not form.gone and "\x00" not in value:
                self.fail(form, name, value, answer, "the refused form is not shown again")
        elif "\x00" not in value and not same_reading(shown, value):
            self.fail(form, name, value, answer, f"typed value lost: shown {shown[:40]!r}")

    def accepted(self, form: Form, name: str, value: str, answer: httpx.Response) -> Form:
        english = ENGLISH_SENTENCE.findall(said(answer.text).replace(value, " "))
        if english:  # a review's findings, a quote's notices
            self.fail(form, name, value, answer, f"English on a Chinese page: {english[:2]}")
        if answer.status_code == 200 and value.strip():  # a review, a quote: as read
            for shown_form in post_forms(answer.text, form.page, fill=False):
                shown = dict(shown_form.fields).get(name)
                if shown and not same_reading(shown, value):
                    self.fail(form, name, value, answer, f"read as {shown[:40]!r}")
        if self.refresh is not None:  # a form a page answers with (a quote's Confirm)
            return self.refresh()
        page = self.api.client.get(form.page)
        assert page.status_code == 200, (form.page, page.status_code)
        again = [f for f in post_forms(page.text, form.page) if f.action == form.action]
        if answer.status_code == 303 and again and value.strip():
            shown = dict(again[0].fields).get(name)
            filled = dict(form.fields).get(name)
            if shown not in (None, "", filled) and not same_reading(shown, value):
                self.fail(form, name, value, answer, f"stored as {shown[:40]!r}")
        if not again:
            form.gone = True
        return again[0] if again else form


def test_every_form_refuses_hostile_values_in_chinese_and_changes_nothing(
    api: Api, context: Context
) -> None:
    a_tenant_with_everything(api)
    hook = api.ok(api.get("/v1/webhooks"))[0]["id"]
    sign_in(api.client, api.tenant)
    api.client.cookies.set(LANGUAGE_COOKIE, "zh")
    pages = nav_pages(api.client) | DETAILS | {f"/console/webhooks/{hook}"}
    walk = Walk(api, context)
    seen: set[tuple[str, ...]] = set()
    n = 0
    for path in sorted(pages):
        page = api.client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        for found in post_forms(page.text, path):
            shape = (re.sub(r"/local/", "/main/", found.action), *found.typed)
            if found.action in NOT_WALKED or shape in seen:
                continue
            seen.add(shape)
            form = found
            for name in found.typed:
                values = [HOSTILE[(n * PER_FIELD + k) % len(HOSTILE)] for k in range(PER_FIELD)]
                n += 1
                form = walk.field(form, name, values)
    with context.database.writer.connect() as connection:
        assert check_ledger(connection, api.tenant) == []
    assert walk.failures == [], "\n".join(walk.failures)
    # the walk reached the forms of every section, and both answers: refused, accepted
    walked = {shape[0] for shape in seen}
    assert walked >= WALKED, WALKED - walked
    assert walk.outcomes.get("422 refused", 0) > 100 and walk.outcomes.get("303 accepted"), (
        walk.outcomes
    )


def test_the_member_pages_forms_refuse_hostile_values_in_chinese_and_change_nothing(
    api: Api, context: Context
) -> None:
    """The member page's four forms: a sale's and a withdrawal's quote (what a member
    types), and their confirmations (the amounts they carry, as a page edited by hand)."""
    a_member_with_money(api)
    api.completed_order("o2", "m1")  # points to sell beside the wallet's money
    client = api.client
    client.cookies.clear()
    entered = enter_member_page(client, api.ok(api.post("/v1/members/m1/page-token")))
    assert entered.status_code == 303, entered.text
    client.cookies.set(LANGUAGE_COOKIE, "zh")
    home = client.get("/m")
    forms = {f.action.split("#")[0]: f for f in post_forms(home.text, "/m")}
    assert {"/m/sell/quote", "/m/withdraw/quote"} <= set(forms), set(forms)

    def confirm(quote: str, data: dict[str, str]) -> Form:
        """The confirmation form a quote answers with, as the member page fills it."""
        csrf = dict(forms[quote].fields)["csrf"]
        answer = client.post(quote, data={"csrf": csrf, **data})
        assert answer.status_code == 200, answer.text
        (found,) = [f for f in post_forms(answer.text, "/m") if f.action != "/m/logout"]
        tampered = [n for n, _ in found.fields if n in TAMPERED]
        return Form("/m", found.action, found.fields, tampered, hidden=True)

    walk = Walk(api, context, member_page=True)
    n = 0
    for quote in ("/m/sell/quote", "/m/withdraw/quote"):
        for name in forms[quote].typed:
            walk.field(forms[quote], name, HOSTILE)  # every value: the few forms a member has
    for quote, data in (
        ("/m/sell/quote", {"pool": "main", "points": "1"}),
        ("/m/withdraw/quote", {"amount": "1.00"}),
    ):
        walk.refresh = lambda quote=quote, data=data: confirm(quote, data)  # type: ignore[misc]
        form = walk.refresh()
        for name in form.typed:
            values = [HOSTILE[(n * 5 + k) % len(HOSTILE)] for k in range(5)]
            n += 1
            form = walk.field(form, name, values)
    with context.database.writer.connect() as connection:
        assert check_ledger(connection, api.tenant) == []
    assert walk.failures == [], "\n".join(walk.failures)
    assert walk.outcomes.get("422 refused", 0) > 20 and walk.outcomes.get("303 accepted"), (
        walk.outcomes
    )


def test_a_hundred_megabyte_form_is_refused_in_chinese_and_changes_nothing(
    api: Api, context: Context
) -> None:
    """A 100 MB form posted to the console and to the member page: refused whole (413)
    before it is read, on the page's error page in Chinese, nothing changed."""
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.cookies.set(LANGUAGE_COOKIE, "zh")
    before = snapshot(context, api.tenant)
    body = b"csrf=" + csrf.encode() + b"&reason=" + b"x" * (100 * 1024 * 1024)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for path in ("/console/pools/main/pause", "/m/withdraw/quote"):
        answer = api.client.post(path, content=body, headers=form)
        assert answer.status_code == 413, (path, answer.status_code, answer.text[:300])
        assert answer.headers["content-type"].startswith("text/html"), answer.text[:300]
        assert "请求体超过允许的" in said(answer.text), said(answer.text)
    assert snapshot(context, api.tenant) == before
