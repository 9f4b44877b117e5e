"""The console's members table (service/queries/console_members.py and its page):
search by the start of an id or a phone, anywhere in a name; filters by level, joining
day and wallet;
sort by every column both ways; the total and pages; the CSV and XLSX exports hold
exactly the filtered rows with their figures. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from tests.service.conftest import Api, Clock, down_and_up
from tests.service.test_console_pages import sign_in
from zengzhi.service.audit import Difference, check_ledger
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.queries import console_members
from zengzhi.service.queries.console_members import COLUMNS, MemberRow, MemberSearch
from zengzhi.store import tables as t

PEOPLE = [  # id, name, phone, referrer, orders of 100 yuan
    ("zs", "张三", "13800000001", None, 1),
    ("ls", "李四", "13900000002", "zs", 3),
    ("ww", "王五", None, "zs", 0),
    ("lx", "李小龙", "13700000003", "ls", 2),
    ("amy", "Amy Li", "15000000004", None, 0),
]


@pytest.fixture
def people(api: Api, clock: Clock) -> dict[str, str]:
    """Five members a day apart, with orders, one sale; the days they joined."""
    api.pool()
    joined = {}
    for member, name, phone, referrer, _ in PEOPLE:
        body = {"name": name, **({"phone": phone} if phone else {})}
        api.member(member, **body, **({"referrer": referrer} if referrer else {}))
        joined[member] = clock.today()
        clock.advance(days=1)
    for member, *_, count in PEOPLE:
        for n in range(count):
            api.completed_order(f"{member}-{n}", member, amount="100.00", contribution="30.00")
    api.ok(api.post("/v1/members/ls/sell", {"id": "sale-ls", "points": "10"}))
    return joined


def rows(context: Context, api: Api, **asked: object) -> list[MemberRow]:
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    found = console_members.find_members(context, owner, MemberSearch.model_validate(asked))
    assert found.total >= len(found.rows)
    return found.rows


def ids(found: list[MemberRow]) -> list[str]:
    return [r.id for r in found]


def test_search_anywhere_filters_and_figures(
    api: Api, context: Context, people: dict[str, str]
) -> None:
    assert sorted(ids(rows(context, api, text="李"))) == ["ls", "lx"]  # 李 finds 李四, 李小龙
    assert ids(rows(context, api, text="li")) == ["amy"]  # case aside, within the name
    assert ids(rows(context, api, text="1390")) == ["ls"]  # a phone's start
    assert ids(rows(context, api, text="13900000002")) == ["ls"]  # the whole phone
    assert rows(context, api, text="0002") == []  # not within a phone: by its start
    assert ids(rows(context, api, text="w")) == ["ww"]  # an id's start
    assert ids(rows(context, api, text="amy")) == ["amy"]  # an id, and a name case aside
    assert rows(context, api, text="s") == []  # not within an id (zs, ls)
    assert rows(context, api, text="%") == [] and rows(context, api, text="_") == []
    day = people["ww"]
    assert ids(rows(context, api, joined_from=day, joined_until=day)) == ["ww"]
    assert sorted(ids(rows(context, api, joined_from=people["lx"]))) == ["amy", "lx"]
    figures = {r.id: r for r in rows(context, api)}
    wallets = {m: api.ok(api.get(f"/v1/members/{m}/wallet"))["balance"] for m, *_ in PEOPLE}
    assert {m: r.wallet for m, r in figures.items()} == wallets and wallets["ls"] != "0.00"
    assert [figures[m].spent for m in ("zs", "ls", "ww")] == ["100.00", "300.00", "0.00"]
    assert (figures["zs"].team, figures["ls"].team, figures["lx"].team) == (2, 1, 0)
    held = api.ok(api.get("/v1/members/lx/positions"))
    assert figures["lx"].points == held[0]["points"] and figures["ww"].points == "0.0000"
    rich = rows(context, api, wallet_min=wallets["ls"])
    assert ids(rich) == ["ls"]
    assert "ls" not in ids(rows(context, api, wallet_max="0"))
    assert {r.level for r in rows(context, api, level=0)} == {0}


@pytest.mark.parametrize("column", COLUMNS)
def test_every_column_sorts_both_ways(
    api: Api, context: Context, people: dict[str, str], column: str
) -> None:
    everyone = rows(context, api)

    def key(r: MemberRow) -> object:
        value = getattr(r, column if column != "id" else "id")
        if column in ("points", "wallet", "spent"):
            return Decimal(value)
        return value

    for descending in (False, True):
        shown = rows(context, api, sort=column, descending=descending)
        assert sorted(ids(shown)) == sorted(ids(everyone))
        values = [key(r) for r in shown if key(r) is not None]
        assert values == sorted(values, reverse=descending), (column, descending)


def test_pages_and_the_exports_hold_the_filtered_rows(
    api: Api, context: Context, people: dict[str, str]
) -> None:
    sign_in(api.client, api.tenant)
    page = api.client.get("/console/members", params={"q": "李", "sort": "spent"})
    assert page.status_code == 200 and "2 members found." in page.text
    assert page.text.index('href="/console/members/ls"') < page.text.index(
        'href="/console/members/lx"'
    )  # ls spent more: first when sorted by spent, largest first
    refused = api.client.get("/console/members", params={"wallet_min": "-5"})
    assert refused.status_code == 422 and 'id="e-wallet_min"' in refused.text

    exported = api.client.get("/console/members/export.csv", params={"q": "李", "sort": "spent"})
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].endswith('.csv"')
    text = exported.content.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    shown = {r.id: r for r in rows(context, api, text="李", sort="spent")}
    assert [r["id"] for r in table] == ["ls", "lx"]
    for line in table:
        row = shown[line["id"]]
        assert (line["name"], line["wallet_yuan"], line["spent_yuan"], line["points"]) == (
            row.name,
            row.wallet,
            row.spent,
            row.points,
        )

    book = api.client.get("/console/members/export.xlsx", params={"q": "李"})
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    cells = [[c.value for c in line] for line in sheet.iter_rows()]
    assert cells[0][:3] == ["id", "name", "phone"]
    assert sorted(line[0] for line in cells[1:]) == ["ls", "lx"]
    spent = {line[0]: Decimal(str(line[7])) for line in cells[1:]}
    assert spent == {"ls": Decimal("300"), "lx": Decimal("200")}


def test_the_kept_spent_follows_completions_and_reversals_and_the_audit_checks_it(
    api: Api, context: Context, people: dict[str, str]
) -> None:
    """members.spent (migration 0013) is kept by the store with each order's completion
    and reversal; orders not completed (created, paid, cancelled) leave it; the audit
    reports a total that is not the sum of the member's completed orders."""

    def spent(member: str) -> str:
        return next(r.spent for r in rows(context, api, text=member) if r.id == member)

    before = {member: spent(member) for member, *_ in PEOPLE}
    assert before["ls"] == "300.00" and before["ww"] == "0.00"
    api.ok(
        api.post(
            "/v1/orders",
            {"id": "ww-open", "member": "ww", "amount": "50.00", "contribution": "15.00"},
        )
    )
    assert spent("ww") == "0.00"  # created, not completed
    api.ok(api.post("/v1/orders/ww-open/cancel"))
    assert spent("ww") == "0.00"
    api.completed_order("ww-done", "ww", amount="50.00", contribution="15.00")
    assert spent("ww") == "50.00"
    api.ok(api.post("/v1/orders/ls-1/reverse"))
    assert spent("ls") == "200.00"
    api.ok(api.post("/v1/orders/ls-1/reverse"))  # the same step twice applies once
    assert spent("ls") == "200.00"
    found = _tampered(context, api.tenant, "lx", spent=1)
    assert [(d.what, d.kept, d.expected) for d in found] == [
        ("member lx spent (completed orders)", "200.01", "200.00")
    ]


def test_the_member_picker_offers_what_the_search_finds(
    api: Api, context: Context, people: dict[str, str]
) -> None:
    """/console/members/pick.json: the first members a typed text finds, id and label,
    for the forms' member fields (static/js/pick.js); nothing for nothing typed."""
    sign_in(api.client, api.tenant)
    offered = api.client.get("/console/members/pick.json", params={"q": "李"})
    assert offered.status_code == 200
    assert sorted(offered.json(), key=lambda m: m["id"]) == [
        {"id": "ls", "label": "李四 13900000002"},
        {"id": "lx", "label": "李小龙 13700000003"},
    ]
    assert api.client.get("/console/members/pick.json", params={"q": " "}).json() == []
    assert [m["id"] for m in api.client.get("/console/members/pick.json?q=ww").json()] == ["ww"]


def test_migration_0013_fills_the_kept_totals_from_the_orders(
    api: Api, context: Context, people: dict[str, str]
) -> None:
    """Down to 0012 (no kept total) and up again: each member's total is the sum of
    their completed orders, on either database (a grouped update on PostgreSQL)."""
    down_and_up(context, "0012")
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
    shown = {r.id: r.spent for r in rows(context, api)}
    assert shown == {"zs": "100.00", "ls": "300.00", "ww": "0.00", "lx": "200.00", "amy": "0.00"}


def _figures(context: Context, api: Api) -> dict[str, tuple[str, str, int]]:
    return {r.id: (r.wallet, r.points, r.team) for r in rows(context, api)}


def _sources(api: Api) -> dict[str, tuple[str, str, int]]:
    """Each member's wallet, points and team as the API reads them from their sources."""
    found = {}
    for member, *_ in PEOPLE:
        wallet = api.ok(api.get(f"/v1/members/{member}/wallet"))["balance"]
        held = api.ok(api.get(f"/v1/members/{member}/positions"))
        points = sum((Decimal(p["points"]) for p in held), Decimal("0"))
        team = api.ok(api.get(f"/v1/members/{member}/network"))["referees"]
        found[member] = (wallet, f"{points:.4f}", len(team))
    return found


def _tampered(context: Context, tenant: str, member: str, **added: int) -> list[Difference]:
    """What the audit finds once the books are clean and a kept figure of one member's
    row is raised behind the ledger's back (by `added`, in the column's minor units)."""
    with context.database.read() as connection:
        assert check_ledger(connection, tenant) == []
    m = t.members.c
    with context.database.writer.begin() as connection:
        connection.execute(
            update(t.members)
            .where(m.tenant_id == tenant, m.member_id == member)
            .values({name: m[name] + amount for name, amount in added.items()})
        )
    with context.database.read() as connection:
        return check_ledger(connection, tenant)


def test_the_kept_wallet_points_and_team_follow_their_sources_and_the_audit_checks_them(
    api: Api, context: Context, people: dict[str, str]
) -> None:
    """members.wallet, .points and .team (migration 0015) move with the ledger's balances
    and the referrer, in the same transaction: after sales, a withdrawal, a reversal and a
    re-assignment each equals what the API reads from the balances, positions and
    referrals; the audit reports a kept figure that is not its source's."""
    assert _figures(context, api) == _sources(api)
    api.ok(api.post("/v1/members/lx/sell", {"id": "sale-lx", "points": "5"}))
    api.ok(api.post("/v1/members/ls/withdrawals", {"id": "w-ls", "amount": "1.00"}))
    api.ok(api.post("/v1/orders/zs-0/reverse"))
    api.ok(api.put("/v1/members/lx/referrer", {"referrer": "zs", "reason": "moved"}))
    api.member("new", referrer="ls")
    figures = _figures(context, api)
    assert figures == _sources(api) | {"new": ("0.00", "0.0000", 0)}
    assert (figures["zs"][2], figures["ls"][2]) == (3, 1)  # ww, ls, lx; new
    assert figures["zs"][1] == "0.0000"  # its one order reversed
    found = [
        (d.what, d.kept, d.expected)
        for d in _tampered(context, api.tenant, "ls", wallet=1, points=1, team=1)
    ]
    wallet, points, team = figures["ls"]
    assert found == [
        (
            "member ls points (kept for the console)",
            f"{Decimal(points) + Decimal('0.0001')}",
            points,
        ),
        ("member ls team (kept for the console)", str(team + 1), str(team)),
        ("member ls wallet (kept for the console)", f"{Decimal(wallet) + Decimal('0.01')}", wallet),
    ]


def test_migration_0015_fills_the_kept_figures_from_their_sources(
    api: Api, context: Context, people: dict[str, str]
) -> None:
    """Down to 0014 (no kept wallet, points, team) and up again: each is its source's,
    on either database."""
    before = _figures(context, api)
    assert any(wallet != "0.00" for wallet, _, _ in before.values())
    down_and_up(context, "0014")
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
    assert _figures(context, api) == before == _sources(api)


def test_prices_are_shown_as_money_like_every_other_amount(api: Api) -> None:
    """A pool's price and a position's exit price on the console: in yuan, with the
    sign and the grouping every other amount has (the pools page and the member's
    positions showed them bare: 5.0257, 15306.1224)."""
    api.pool(exit_multiple="2")
    api.member("p1")
    api.completed_order("o-p1", "p1", amount="100000.00", contribution="30000.00")
    client = api.client
    sign_in(client, api.tenant)
    price = api.ok(api.get("/v1/pools/main"))["price"]
    exit_price = api.ok(api.get("/v1/members/p1/positions"))[0]["exit_price"]
    pools = client.get("/console/pools").text
    assert f"<dd>{money(price)}</dd>" in pools
    member = client.get("/console/members/p1").text
    assert re.search(
        rf'<td role="cell" class="num"[^>]*>{re.escape(money(exit_price))}</td>', member
    )


def money(text: str) -> str:
    whole, _, places = text.partition(".")
    return f"¥{int(whole):,}.{places}"


def test_a_wallet_movement_says_what_caused_it_in_words(api: Api) -> None:
    """A member's wallet history named the cause by the event's stored name
    (withdraw:w-1, sell:s-1) beside the movement's kind: a code a new operator has to
    guess at. It now says the thing and its id (卖出单 s-1, 提现单 w-1, 订单 o-1 linked)."""
    api.pool()
    api.member("h1")
    api.completed_order("o-h1", "h1", amount="1000.00", contribution="300.00")
    api.ok(api.post("/v1/members/h1/sell", {"id": "s-1", "points": "10"}))
    api.ok(api.post("/v1/members/h1/withdrawals", {"id": "w-1", "amount": "1.00"}))
    client = api.client
    sign_in(client, api.tenant)
    client.get("/language/zh")
    page = client.get("/console/members/h1").text
    assert "卖出单 s-1" in page and "提现单 w-1" in page
    assert "sell:s-1" not in page and "withdraw:w-1" not in page
    client.get("/language/en")
    page = client.get("/console/members/h1").text
    assert "sale s-1" in page and "withdrawal w-1" in page


def test_a_phone_name_or_region_is_removed_by_leaving_it_empty(api: Api) -> None:
    """An empty phone, name or region removes it (through the API, and a field blanked on
    the console's form, which said 已保存 and kept the old value); a removed phone is free
    for another member where one account a phone is the rule; null leaves a field be."""
    levels = {"one_account_per_phone": True}
    api.ok(api.put("/v1/distribution", {"limits": levels}))
    api.member("m1", phone="13800000000", name="陈静", region="兰州")
    taken = api.post("/v1/members", {"id": "m2", "phone": "13800000000"})
    assert taken.status_code == 409 and taken.json()["field"] == "phone"
    kept = api.ok(api.patch("/v1/members/m1", {"phone": None, "name": None}))
    assert (kept["phone"], kept["name"], kept["region"]) == ("13800000000", "陈静", "兰州")
    cleared = api.ok(api.patch("/v1/members/m1", {"phone": "", "region": ""}))
    assert (cleared["phone"], cleared["name"], cleared["region"]) == (None, "陈静", None)
    assert api.ok(api.post("/v1/members", {"id": "m2", "phone": "13800000000"}))["id"] == "m2"
    refused = api.patch("/v1/members/m1", {"phone": " "})
    assert refused.status_code == 422 and refused.json()["field"] == "phone"
    changes = [r for r in api.ok(api.get("/v1/audit-log")) if r["action"] == "member.change"]
    assert len(changes) == 1  # the null change changed nothing and is not recorded
    csrf = sign_in(api.client, api.tenant)
    form = {"csrf": csrf, "name": "", "phone": "13900000000", "region": "西宁"}
    saved = api.client.post("/console/members/m1", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    member = api.ok(api.get("/v1/members/m1"))
    assert (member["phone"], member["name"], member["region"]) == ("13900000000", None, "西宁")
    # a registration's empty name or region is none, as a change's is (it was kept as "")
    blank = api.ok(api.post("/v1/members", {"id": "m3", "name": "", "region": ""}))
    assert (blank["name"], blank["region"]) == (None, None)
    again = api.ok(api.post("/v1/members", {"id": "m3", "name": "", "region": ""}))
    assert again == blank  # the same registration: applied once, not a conflict


def test_a_position_says_what_its_sales_paid_into_the_wallet_as_the_member_reads_it(
    api: Api,
) -> None:
    """The console's positions showed one figure for selling, 已卖出所得, the points'
    value before the sell fee (`realized`, ¥51.86), beside a wallet history whose sale
    read ¥41.48 and a member page saying the pool had paid ¥41.48 into the wallet: the
    same sale, two amounts, neither page saying why. The table now names the first as
    before the fee and adds what the pool paid into the wallet after it (the member
    page's figure, the wallet's sale)."""
    api.pool(exit_multiple="2")
    api.member("h1")
    api.completed_order("o-h1", "h1", amount="1000.00", contribution="300.00")
    sold = api.ok(api.post("/v1/members/h1/sell", {"id": "s-1", "points": "10"}))
    realized = api.ok(api.get("/v1/members/h1/positions"))[0]["realized"]
    assert sold["payout"] != realized  # the fee lies between the two figures
    client = api.client
    sign_in(client, api.tenant)
    client.get("/language/zh")
    page = client.get("/console/members/h1").text
    heads = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', page)
    assert "已卖出价值（扣回流前）" in heads and "已付入零钱（扣回流后）" in heads, heads
    row = re.search(
        r'<tr role="row"><th scope="row" role="rowheader">main</th>(.*?)</tr>', page, re.S
    )
    assert row, "no row for the pool"
    cells = re.findall(r'<td role="cell" class="num"[^>]*>([^<]*)</td>', row.group(1))
    assert money(realized) in cells and money(sold["payout"]) in cells, cells
    assert f"{money(sold['payout'])}" in page.split("零钱明细")[1]  # the wallet's sale


def test_a_phone_typed_in_full_width_is_read_as_its_digits(api: Api) -> None:
    """A Chinese input method in full-width mode types a phone as １３８ ００１３ ８０００
    (or with its wide space, 　): the profile refused it as not a phone number, though a
    number typed so is read as its digits on every form. It is read so; a name keeps its
    full-width digits (李四１号 is a name, not a number), and text that is no phone is
    still refused at its field, nothing saved."""
    api.member("m1", phone="13800000000")
    csrf = sign_in(api.client, api.tenant)
    typed_so = (("１３８ ００１３ ８０００", "138 0013 8000"), ("＋８６　１３９００", "+86 13900"))
    for typed, kept in typed_so:
        form = {"csrf": csrf, "name": "李四１号", "phone": typed, "region": ""}
        saved = api.client.post("/console/members/m1", data=form, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        member = api.ok(api.get("/v1/members/m1"))
        assert (member["phone"], member["name"]) == (kept, "李四１号")
    form = {"csrf": csrf, "name": "", "phone": "电话", "region": ""}
    refused = api.client.post("/console/members/m1", data=form)
    assert refused.status_code == 422 and 'id="e-phone"' in refused.text
    assert api.ok(api.get("/v1/members/m1"))["phone"] == "+86 13900"


def test_a_wallet_filter_with_too_many_decimal_places_says_how_many_it_takes(
    api: Api,
) -> None:
    """零钱不少于 0.001 read 位数太多 ("has too many digits"): which digits, and how many
    may there be? It says the places a yuan amount takes, as an amount's form does."""
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/members", params={"wallet_min": "0.001"})
    assert page.status_code == 422
    said = re.search(r'id="e-wallet_min"[^>]*>([^<]*)<', page.text)
    assert said is not None, page.text
    assert said.group(1) == "最多 2 位小数", said.group(1)
