"""Every figure zengzhi shows equals what its ledger says, after random histories (the
reversal histories of tests/histories.py: orders in and out of every mode's zone, refunds
before completion and reversals after it at any point, parameter changes mid-way,
withdrawals asked, rejected and paid, daily runs) on SQLite and PostgreSQL.

Each figure is recomputed here from the journal's postings alone (a sum per account and
asset, never the balances table nor the query that shows it), from what each account
means (src/zengzhi/core/accounts.py): what the platform owes members is their wallets and
the withdrawals it holds for them; what members owe it, their debt accounts; its cash,
what came in from outside the books less what went out and less what sits in pools; a
mode owes what its members hold of its promise asset, against the cash in its reserve;
a pool's buy-back is each holder's points sold at the sale rate. The API's answers, the
console's dashboard figures and the member page are then read against those sums.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, select

from tests.histories import History, histories, through_the_service
from tests.service.conftest import Api, Clock, enter_member_page, login, new_tenant
from tests.service.test_console_pages import sign_in
from tests.service.test_gateway_adapters import OPENID, a_withdrawal, owner, wechat
from tests.service.test_reversal_histories import PAYOUTS, Shop
from tests.service.test_webhooks import outbox_events, subscribe
from zengzhi.engine import notices
from zengzhi.service import gateway_payouts, pools
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.queries import console_orders, console_risk, console_withdrawals
from zengzhi.service.queries import members as reads
from zengzhi.store import tables as t

CNY = "CNY"
# the promise assets of the modes (accounts.py, rules/modes/common.py) and their places:
# money promises in fen, points in ten-thousandths
MODE_ASSETS = {
    "refer_three": ("REFUND", 2),
    "ads": ("AD", 4),
    "quota": ("QUOTA", 2),
    "green": ("GREEN", 4),
    "union": ("UNION", 2),
    "three_for_one": ("SUBSIDY", 2),
    "shopping": ("SHOP", 4),
}


def postings_sums(
    connection: Connection, tenant: str, before: datetime | None = None
) -> dict[tuple[str, str], int]:
    """Each account's balance in each asset as the sum of its postings (of the entries
    made before `before`, when given)."""
    p, e = t.postings.c, t.entries.c
    statement = select(p.account, p.asset, p.amount).where(p.tenant_id == tenant)
    if before is not None:
        made = select(e.entry_id).where(e.tenant_id == tenant, e.at < before)
        statement = statement.where(p.entry_id.in_(made))
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for row in connection.execute(statement):
        sums[(row.account, row.asset)] += int(row.amount)
    return dict(sums)


def kept_from_pools(connection: Connection, tenant: str, member: str) -> int:
    """What the pools' sales and exits paid the member (into the wallet, or a debt it
    settled), less what reversals of the member's orders took back of it (out of the
    wallet, or a debt they recorded), from the journal (the histories have one pool)."""
    p, e = t.postings.c, t.entries.c
    kept = 0
    for (amount,) in connection.execute(
        select(p.amount)
        .join(t.postings, (p.tenant_id == e.tenant_id) & (p.entry_id == e.entry_id))
        .where(
            e.tenant_id == tenant,
            e.kind.in_(["sale", "exit", "reversal"]),
            p.asset == CNY,
            p.account.in_([f"member:{member}:wallet", f"member:{member}:debt"]),
        )
    ):
        kept += int(amount)  # a reversal's charge posts negative amounts
    return kept


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def units(amount: int, places: int) -> Decimal:
    return Decimal(amount).scaleb(-places)


class Books:
    """What the ledger says, read from the postings by what each account means."""

    def __init__(self, sums: dict[tuple[str, str], int]) -> None:
        self.sums = sums

    def of(self, account: str, asset: str = CNY) -> int:
        return self.sums.get((account, asset), 0)

    def total(self, asset: str, test: Any) -> int:
        parts = [a.split(":") for (a, s) in self.sums if s == asset]
        return sum(self.sums[(":".join(part), asset)] for part in parts if test(part))

    def owed_to_members(self) -> int:  # cash members may take out, or are taking out
        return self.total(
            CNY, lambda p: p[0] == "member" and len(p) == 3 and p[2] in ("wallet", "withdrawing")
        )

    def owed_by_members(self) -> int:
        return -self.total(CNY, lambda p: p[0] == "member" and len(p) == 3 and p[2] == "debt")

    def owed_to_merchants(self) -> int:
        return self.total(CNY, lambda p: p[0] == "merchant")

    def in_pools(self) -> int:
        return self.total(CNY, lambda p: p[0] == "pool" and len(p) == 2)

    def platform_cash(self) -> int:
        """Money that came into the books from outside (customers, advertisers, members'
        payments, the operator's funds), less what left them (payouts, refunds), less
        what sits in pools (members' by the pools' rules)."""
        outside = self.total(CNY, lambda p: p[0] == "external" or ":".join(p) == "platform:funding")
        return -outside - self.in_pools()

    def supply(self, pool: str) -> int:
        return -self.of(f"pool:{pool}:supply", f"PTS:{pool}")

    def holders(self, pool: str) -> dict[str, int]:
        asset = f"PTS:{pool}"
        return {
            a.split(":")[1]: n
            for (a, s), n in self.sums.items()
            if s == asset and a.startswith("member:") and a.endswith(f":points:{pool}") and n
        }

    def mode_held(self, zone: str, mode: str) -> int:
        """What the members hold of the mode's promise asset: what it still owes them."""
        code = f"{MODE_ASSETS[mode][0]}:{zone}"
        return sum(
            n
            for (a, s), n in self.sums.items()
            if s == code and a.startswith("member:") and a.endswith(f":{mode}:{zone}")
        )

    def receivable(self, creditor: str) -> int:
        return sum(
            n
            for (a, s), n in self.sums.items()
            if s == CNY and a.startswith("member:") and a.endswith(f":owes:{creditor}")
        )


def sale(points: int, balance: int, supply: int, fee: Decimal) -> int:
    """What selling `points` pays (spec 01: the value floored, then the fee's complement
    floored), in fen."""
    value = points * balance // supply
    return int((value * (1 - fee)).to_integral_value(rounding="ROUND_FLOOR"))


def check_figures(api: Api, context: Context, books: Books, members: list[str]) -> None:
    """The solvency report, pools, modes, the dashboard and each member's figures."""
    report = api.ok(api.get("/v1/solvency"))
    check_platform(report, books)
    for row in report["pools"]:
        check_pool(api, row, books)
    for row in report["modes"]:
        check_mode(row, books)
    # the dashboard refreshes the same report, and the pool it shows
    api.client.cookies.set("zz_console", api.token, path="/console")
    figures = api.ok(api.client.get("/console/data/figures"))
    api.client.cookies.clear()
    assert figures["solvency"] == report
    withdrawals = api.ok(api.get("/v1/withdrawals", limit=200))
    for member in members:
        check_member(api, member, report, books, withdrawals)
    check_orders(api, context)
    check_member_export(api, books, members)
    with context.database.reader.connect() as connection:
        for member in members:  # the member page's "this pool has paid … into your wallet"
            shown = reads.paid_by_pool(connection, api.tenant, member)
            kept = kept_from_pools(connection, api.tenant, member)
            assert Decimal(shown.get("main", "0")) == yuan(kept), member
            check_debt_history(api, connection, member)


def check_debt_history(api: Api, connection: Connection, member: str) -> None:
    """The member's debt history (what the member page lists under 您欠平台) is each
    entry that moved their debt, by the amount it moved it: it adds up to the debt."""
    p = t.postings.c
    moved: dict[int, int] = defaultdict(int)
    for entry, amount in connection.execute(
        select(p.entry_id, p.amount).where(
            p.tenant_id == api.tenant, p.account == f"member:{member}:debt", p.asset == CNY
        )
    ):
        moved[int(entry)] += int(amount)
    shown = api.ok(api.get(f"/v1/members/{member}/wallet/debt-history", limit=500))
    assert len(shown) < 500, "more lines than one page: read the next"
    assert {line["entry"]: Decimal(line["amount"]) for line in shown} == {
        entry: yuan(amount) for entry, amount in moved.items() if amount
    }, member


def check_orders(api: Api, context: Context) -> None:
    """Each order's points (what it minted, by pool) are its mint entries' postings to
    the buyer's holdings, whatever became of the order since."""
    minted: dict[tuple[str, str], int] = defaultdict(int)
    p, e = t.postings.c, t.entries.c
    with context.database.reader.connect() as connection:
        for cause, asset, amount in connection.execute(
            select(e.cause, p.asset, p.amount)
            .join(t.postings, (p.tenant_id == e.tenant_id) & (p.entry_id == e.entry_id))
            .where(e.tenant_id == api.tenant, e.kind == "mint", p.account.like("member:%"))
        ):
            minted[(cause.removeprefix("order:"), asset.removeprefix("PTS:"))] += int(amount)
    orders = api.ok(api.get("/v1/orders", limit=500))
    for order in orders:
        shown = {pool: units for pool, units in order["points"].items() if Decimal(units)}
        booked = {
            pool: units(n, 4) for (key, pool), n in minted.items() if key == order["id"] and n
        }
        assert {pool: Decimal(n) for pool, n in shown.items()} == booked, order


def check_member_export(api: Api, books: Books, members: list[str]) -> None:
    """The console's members export: each member's wallet and points (every pool) are
    the ledger's, and what they spent is their completed orders'."""
    api.client.cookies.set("zz_console", api.token, path="/console")
    exported = api.client.get("/console/members/export.csv")
    api.client.cookies.clear()
    assert exported.status_code == 200
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff")))}
    completed = api.ok(api.get("/v1/orders", limit=500, status="completed"))
    for member in members:
        row = rows[member]
        assert Decimal(row["wallet_yuan"]) == yuan(books.of(f"member:{member}:wallet"))
        held = sum(
            n
            for (account, asset), n in books.sums.items()
            if asset.startswith("PTS:") and account == f"member:{member}:points:{asset[4:]}"
        )
        assert Decimal(row["points"]) == units(held, 4), member
        spent = sum(Decimal(o["amount"]) for o in completed if o["member"] == member)
        assert Decimal(row["spent_yuan"]) == spent, member


def check_platform(report: dict[str, Any], books: Books) -> None:
    assert Decimal(report["owed_to_members"]) == yuan(books.owed_to_members())
    assert Decimal(report["owed_by_members"]) == yuan(books.owed_by_members())
    assert Decimal(report["owed_to_merchants"]) == yuan(books.owed_to_merchants())
    assert Decimal(report["platform_cash"]) == yuan(books.platform_cash()), report
    owed = books.owed_to_members() + books.owed_to_merchants()
    if owed > 0:
        ratio = Decimal(books.platform_cash()) / owed  # never shown above what it is
        ratio = ratio.quantize(Decimal("0.0001"), rounding="ROUND_FLOOR")
        assert Decimal(report["coverage"]) == ratio
    else:
        assert report["coverage"] is None


def check_pool(api: Api, row: dict[str, Any], books: Books) -> None:
    pool = row["pool"]
    balance, supply = books.of(f"pool:{pool}"), books.supply(pool)
    assert Decimal(row["balance"]) == yuan(balance)
    assert Decimal(row["points"]) == units(supply, 4)
    assert sum(books.holders(pool).values()) == supply  # every circulating point held
    shown = api.ok(api.get(f"/v1/pools/{pool}"))
    assert (shown["balance"], shown["points"], shown["price"]) == (
        row["balance"],
        row["points"],
        row["price"],
    )
    if supply > 0:
        fee = Decimal(shown["params"]["sell_fee"])
        cost = sum(sale(h, balance, supply, fee) for h in books.holders(pool).values())
        assert Decimal(row["buyback_cost"]) == yuan(cost)
        assert row["covered"] is (cost <= balance)
        price = Decimal(balance) / Decimal(supply) * 100  # yuan a point
        assert Decimal(row["price"]) == price.quantize(Decimal("0.0001"))
    history = api.ok(api.get(f"/v1/pools/{pool}/history", limit=1))
    if history:  # the newest point of its history is the pool now
        assert (history[0]["balance"], history[0]["points"]) == (row["balance"], row["points"])


def check_mode(row: dict[str, Any], books: Books) -> None:
    zone, mode = row["zone"], row["mode"]
    code, places = MODE_ASSETS[mode]
    held = books.mode_held(zone, mode)
    issued = -books.of(f"mode:{zone}:{mode}:issued", f"{code}:{zone}")
    assert held == issued, (zone, mode)  # every promise issued is held by a member
    fen = held if places == 2 else held // 100
    assert Decimal(row["owed"]) == yuan(fen), row
    reserve = books.of(f"mode:{zone}:{mode}:reserve")
    assert Decimal(row["reserve"]) == yuan(reserve), row
    creditor = (
        "platform:shopping_discounts" if mode == "shopping" else f"mode:{zone}:{mode}:reserve"
    )
    assert Decimal(row["receivable"]) == yuan(books.receivable(creditor)), row


def check_member(
    api: Api,
    member: str,
    report: dict[str, Any],
    books: Books,
    withdrawals: list[dict[str, Any]],
) -> None:
    wallet = api.ok(api.get(f"/v1/members/{member}/wallet"))
    assert Decimal(wallet["balance"]) == yuan(books.of(f"member:{member}:wallet"))
    assert Decimal(wallet["withdrawing"]) == yuan(books.of(f"member:{member}:withdrawing"))
    assert Decimal(wallet["debt"]) == yuan(-books.of(f"member:{member}:debt"))
    contribution = books.of(f"member:{member}:contribution", "CONTRIB")
    assert Decimal(wallet["contribution"]) == yuan(contribution)
    assert Decimal(wallet["contribution_debt"]) == yuan(
        -books.of(f"member:{member}:debt", "CONTRIB")
    )
    held = sum(
        Decimal(one["amount"])
        for one in withdrawals
        if one["member"] == member and one["status"] in ("held", "approved", "paying")
    )
    assert held == Decimal(wallet["withdrawing"]), member
    positions = {one["pool"]: one for one in api.ok(api.get(f"/v1/members/{member}/positions"))}
    for row in report["pools"]:
        pool = row["pool"]
        points = books.holders(pool).get(member, 0)
        shown = positions.get(pool)
        assert Decimal(shown["points"] if shown else 0) == units(points, 4), (member, pool)
        if shown and points:
            balance, supply = books.of(f"pool:{pool}"), books.supply(pool)
            assert Decimal(shown["value"]) == yuan(points * balance // supply)
    modes = {
        (one["zone"], one["mode"]): one for one in api.ok(api.get(f"/v1/members/{member}/modes"))
    }
    for row in report["modes"]:
        zone, mode = row["zone"], row["mode"]
        code, places = MODE_ASSETS[mode]
        held = books.of(f"member:{member}:{mode}:{zone}", f"{code}:{zone}")
        shown = modes.get((zone, mode))
        assert Decimal(shown["owed"] if shown else 0) == units(held, places), (
            member,
            zone,
            mode,
        )


@through_the_service(max_examples=5)
@given(history=histories(max_steps=40, min_steps=30), payouts=st.sampled_from(PAYOUTS))
def test_every_figure_shown_is_what_the_ledger_says(
    api: Api, clock: Clock, context: Context, history: History, payouts: str
) -> None:
    tenant = new_tenant(context)  # one tenant per example
    staff = Api(api.client, tenant, login(api.client, tenant))
    shop = Shop(staff, clock, context, history, payouts=payouts)
    clock.advance(days=1)
    shop.setup()
    shop.run()
    with context.database.reader.connect() as connection:
        books = Books(postings_sums(connection, tenant))
    check_figures(shop.api, context, books, [member for member, _ in history.links])


# ---------------------------------------------------------------------------- stories
# Each step of these is followed by the whole comparison: `look`.


def look(api: Api, context: Context, members: list[str]) -> Books:
    with context.database.reader.connect() as connection:
        books = Books(postings_sums(connection, api.tenant))
    check_figures(api, context, books, members)
    return books


def test_what_an_agent_pays_for_its_rights_is_the_platforms_cash(
    api: Api, context: Context
) -> None:
    """Agents' rights are paid from outside the books (`external:payments`): the report
    counted customers', advertisers' and the operator's money as cash, not this."""
    api.pool()
    api.member("a")
    sale = {"id": "g1", "member": "a", "region": "广东/深圳", "level": "city", "fee": "100"}
    api.ok(api.post("/v1/agents", sale))
    books = look(api, context, ["a"])
    assert books.platform_cash() == 10_000  # the fee, and nothing owed against it
    assert api.ok(api.get("/v1/solvency"))["platform_cash"] == "100.00"


def test_the_risk_panel_reads_the_platforms_cover_then_from_the_same_money_as_now(
    api: Api, context: Context, clock: Clock
) -> None:
    """The panel draws the platform's cover (its cash less what it owes members and
    merchants) through the cover 30 days ago; it took the window's money received from
    customers, the operator and payouts only, while the report's cash counts advertisers'
    income too (and agents' rights): a month in which an advertiser paid 2,000 and an
    order of 1,000 was refunded read as a cover falling to zero on a named day, when it
    rose by 1,000."""
    api.pool()
    api.ok(api.put("/v1/zones/z", {"modes": {"ads": {"ratio": "1"}}}))
    api.member("m1")
    api.member("a")
    api.completed_order("o1", "m1", amount="1000.00", contribution="300.00")
    clock.advance(days=45)
    api.ok(api.post("/v1/orders/o1/reverse"))
    income = {"id": "i1", "mode": "ads", "amount": "2000.00", "source": "advertiser"}
    api.ok(api.post("/v1/zones/z/income", income))
    sale = {"id": "g1", "member": "a", "region": "广东/深圳", "level": "city", "fee": "100"}
    api.ok(api.post("/v1/agents", sale))
    clock.advance(days=5)
    start = clock() - timedelta(days=30)  # the panel's window
    now = look(api, context, ["m1", "a"])
    with context.database.reader.connect() as connection:
        then = Books(postings_sums(connection, api.tenant, start))

    def cover(books: Books) -> int:
        return books.platform_cash() - books.owed_to_members() - books.owed_to_merchants()

    assert cover(now) > cover(then)  # the cover rose over the window
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    found = console_risk.risk(context, owner, pools.solvency(context, owner))
    assert found.window_days == 30
    assert [p for p in found.short + found.falling if p.kind == "platform"] == []


def member_page(api: Api, member: str, language: str) -> str:
    """The member's page as they read it, in `language`, its tags taken out."""
    client = api.client
    client.cookies.clear()
    issued = api.ok(api.post(f"/v1/members/{member}/page-token"))
    assert enter_member_page(client, issued).status_code == 303
    client.get(f"/language/{language}")
    text = client.get("/m").text
    client.cookies.clear()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


def test_a_withdrawal_rejected_after_a_refund_says_it_paid_the_debt_not_the_wallet(
    api: Api, context: Context
) -> None:
    """m1 sells, asks to withdraw the 400.00, and the order is refunded while it is held:
    the refund finds the wallet empty and m1 owes 400.00. Finance rejects the withdrawal:
    the 400.00 settles the debt (the ledger moves it from withdrawing to the debt, never
    to the wallet), and the page said 'rejected, returned to your wallet' beside a wallet
    of ¥0.00. Then a part: of a second withdrawal, what a debt took and what came back."""
    api.pool(exit_multiple="3", mint_ratio="0.5", sell_fee="0")
    members = ["m1", "m2"]
    for member in members:
        api.member(member)
    api.completed_order("o1", "m1", "1000.00", "300.00")
    api.completed_order("o2", "m2", "1000.00", "300.00")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "400.00"}))
    api.ok(api.post("/v1/orders/o1/reverse"))
    books = look(api, context, members)
    assert (books.of("member:m1:wallet"), books.owed_by_members()) == (0, 40_000)
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "refunded"}))
    books = look(api, context, members)
    assert (books.of("member:m1:wallet"), books.owed_by_members()) == (0, 0)
    english, chinese = member_page(api, "m1", "en"), member_page(api, "m1", "zh")
    assert "rejected; it paid what you owed, so nothing went back to your wallet" in english
    assert "已驳回，已全部用于抵扣您的欠款，未退回零钱" in chinese
    assert "returned to your wallet" not in english and "已退回零钱" not in chinese

    # m2 sells the points of two orders and asks to withdraw it all; the later order is
    # refunded: a debt of its points' value, less than the withdrawal
    api.completed_order("o5", "m2", "1000.00", "300.00")
    api.ok(api.post("/v1/members/m2/sell", {"id": "s5", "points": "all"}))
    wallet = api.ok(api.get("/v1/members/m2/wallet"))["balance"]
    api.ok(api.post("/v1/members/m2/withdrawals", {"id": "w5", "amount": wallet}))
    api.ok(api.post("/v1/orders/o5/reverse"))
    books = look(api, context, members)
    owed = books.owed_by_members()
    assert 0 < owed < Decimal(wallet) * 100
    api.ok(api.post("/v1/withdrawals/w5/reject", {"reason": "refunded"}))
    books = look(api, context, members)
    assert books.owed_by_members() == 0
    assert books.of("member:m2:wallet") == Decimal(wallet) * 100 - owed
    paid = f"¥{yuan(owed)}"
    english, chinese = member_page(api, "m2", "en"), member_page(api, "m2", "zh")
    assert f"rejected; {paid} of it paid what you owed, the rest went back to your wallet" in (
        english
    )
    assert f"已驳回，其中 {paid} 已用于抵扣您的欠款，其余已退回零钱" in chinese


def test_a_withdrawal_sent_to_the_payout_gateway_reads_as_words_on_the_member_page(
    api: Api, context: Context, clock: Clock
) -> None:
    """A withdrawal the gateway has not yet paid is `paying`: the member page looked its
    status up as `member.withdrawal_paying`, a string neither language had, and showed
    the key itself. One whose transfer waits for the member to confirm it in WeChat
    says so: it reaches them only once they do."""
    fake, transport, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    fake.next = "pending"
    transport.mode = "lost"  # sent, its answer lost: paying, nothing known of it
    view = gateway_payouts.request_payout(context, owner(api), "w1", client)
    assert view.status == "paying"
    look(api, context, ["m1"])  # still held: 1,000.00 withdrawing
    english, chinese = member_page(api, "m1", "en"), member_page(api, "m1", "zh")
    assert "member.withdrawal_" not in english and "member.withdrawal_" not in chinese
    assert "¥1,000.00 (¥1,000.00 after the fee), sent to be paid" in english
    assert "¥1,000.00（扣手续费后 ¥1,000.00），已提交打款，等待到账" in chinese
    transport.mode = "ok"
    gateway_payouts.reconcile(context, owner(api), "w1", client)  # waits for the member
    english, chinese = member_page(api, "m1", "en"), member_page(api, "m1", "zh")
    assert "after the fee), sent by WeChat Pay: confirm receiving it in WeChat" in english
    assert "（扣手续费后 ¥1,000.00），已通过微信转账，请在微信中确认收款；确认后到账" in chinese


def test_what_a_pool_paid_reads_less_what_a_refund_took_back(api: Api, context: Context) -> None:
    """m1 sells o1's points for 400.00, buys again (o4), and o1 is refunded: the 400.00 is
    taken back from the wallet. The member page still said 'You have spent ¥1,000.00;
    this pool has paid ¥400.00 into your wallet': the spent was without the refunded
    order, the paid with the sale the refund took back."""
    api.pool(exit_multiple="3", mint_ratio="0.5", sell_fee="0")
    for member in ("m1", "m2"):
        api.member(member)
    api.completed_order("o1", "m1", "1000.00", "300.00")
    api.completed_order("o2", "m2", "1000.00", "300.00")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    api.completed_order("o4", "m1", "1000.00", "300.00")
    assert "this pool has paid ¥400.00 into your wallet" in member_page(api, "m1", "en")
    api.ok(api.post("/v1/orders/o1/reverse"))
    books = look(api, context, ["m1", "m2"])
    assert books.of("member:m1:wallet") == 0 and books.owed_by_members() == 0  # taken back
    english, chinese = member_page(api, "m1", "en"), member_page(api, "m1", "zh")
    assert "You have spent ¥1,000.00; this pool has paid ¥0.00 into your wallet" in english
    assert "您已消费 ¥1,000.00，本积分池已付入您零钱 ¥0.00" in chinese


def test_a_webhook_names_the_members_a_promise_or_a_debt_concerns(
    api: Api, context: Context
) -> None:
    """A webhook's `members` are the members whose accounts its entry moves. A promise
    is held in `member:<id>:<mode>:<zone>` and a debt's creditor in
    `member:<id>:owes:<creditor>`: the notices read the member as everything before the
    account's last `:`, so a green-points promise named a member 'A:green' and a
    refund's debt 'A:owes:platform' (and the first of them ordered its deliveries)."""
    subscribe(api)
    api.pool(exit_multiple="3", mint_ratio="0.5", sell_fee="0")
    api.ok(api.put("/v1/zones/z", {"modes": {"green": {"funding": "0.3"}}}))
    api.member("A")
    api.member("B")
    body = {"id": "o1", "member": "A", "amount": "1000.00", "contribution": "300.00"}
    api.ok(api.post("/v1/orders", body | {"zone": "z"}))
    api.ok(api.post("/v1/orders/o1/pay"))
    api.ok(api.post("/v1/orders/o1/complete"))
    api.completed_order("o2", "B", "1000.00", "300.00")
    api.ok(api.post("/v1/members/A/sell", {"id": "s1", "points": "all"}))
    api.ok(api.post("/v1/members/A/withdrawals", {"id": "w1", "amount": "100.00"}))
    api.ok(api.post("/v1/orders/o1/reverse"))  # a debt: A spent what the refund takes
    books = look(api, context, ["A", "B"])
    assert books.owed_by_members() > 0
    events = outbox_events(context, api.tenant)
    named = {member for event in events for member in event["members"]}
    assert named == {"A", "B"}, named
    promised = [e for e in events if e["type"] == "mode.promised"]
    assert promised and all(e["members"] == ["A"] for e in promised)
    # ids may hold ':' (members, zones, pools): the place of the asset says where the
    # member's id ends
    assert notices.member_of("member:shop:7:green:z:1", "GREEN:z:1") == "shop:7"
    assert notices.member_of("member:a:b:points:main", "PTS:main") == "a:b"
    assert notices.member_of("member:a:b:owes:mode:z:ads:reserve", "CNY") == "a:b"
    assert notices.member_of("member:a:b:debt", "CNY") == "a:b"
    assert notices.member_of("mode:z:green:issued", "GREEN:z") is None


def test_an_orders_movements_name_a_member_whose_id_holds_a_colon(
    api: Api, context: Context
) -> None:
    """The console's order page names the member of each movement: it took the account's
    second part, so a member `shop:7` (ids may hold ':') read as 'shop'."""
    api.pool()
    api.member("shop:7")
    api.completed_order("o1", "shop:7")
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    found = console_orders.order_detail(context, owner, "o1")
    named = {one.member for one in found.movements if one.account.startswith("member:")}
    assert named == {"shop:7"}


def test_a_platform_short_of_a_fen_is_not_shown_covered(api: Api, context: Context) -> None:
    """The report's coverage (cash ÷ what the platform owes) was rounded to 4 places half
    to even: 999.99 against 1,000.00 read 1.0000, 100%, beside a risk panel naming a
    shortfall of 0.01. It is rounded down, as the modes' coverage is."""
    api.pool(sell_fee="0")
    api.member("m1")
    api.member("m2")
    api.completed_order("o1", "m1", "1000.00", "1000.00")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))  # owed 1,000.00
    api.completed_order("o2", "m2", "1000.00", "1000.00")
    api.ok(api.post("/v1/orders/o2/reverse"))  # refunded: its contribution stays pooled
    sale = {"id": "g1", "member": "m2", "region": "广东/深圳", "level": "city", "fee": "999.99"}
    api.ok(api.post("/v1/agents", sale))
    books = look(api, context, ["m1", "m2"])
    assert (books.platform_cash(), books.owed_to_members()) == (99_999, 100_000)
    assert api.ok(api.get("/v1/solvency"))["coverage"] == "0.9999"
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    found = console_risk.risk(context, owner, pools.solvency(context, owner))
    assert [(p.kind, p.shortfall) for p in found.short] == [("platform", "0.01")]


def test_the_finance_queues_pending_is_every_withdrawal_whose_cash_is_held(
    api: Api, context: Context, clock: Clock
) -> None:
    """The withdrawals page's 'pending' summed the held and the approved: a withdrawal sent
    to the payout gateway and not yet paid (`paying`) holds its cash too, and was left
    out, so the pending figures summed less than the members' withdrawing."""
    fake, _, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    fake.next = "pending"
    assert gateway_payouts.request_payout(context, owner(api), "w1", client).status == "paying"
    books = look(api, context, ["m1"])
    found = console_withdrawals.find_withdrawals(
        context, owner(api), console_withdrawals.WithdrawalSearch(status=None)
    )
    pending = {p.status: p for p in found.pending}
    assert (pending["paying"].count, pending["paying"].amount) == (1, "1000.00")
    held = sum(Decimal(p.amount) for p in found.pending)
    assert held == yuan(books.total(CNY, lambda p: p[0] == "member" and p[-1] == "withdrawing"))


def test_the_days_figures_show_what_refunds_paid_back(api: Api, context: Context) -> None:
    """The dashboard's day counted two orders of 1,000.00 as what customers paid, and
    both were refunded the same day: nothing said so. The day's refunds are the
    customers' postings of its order reversals."""
    api.pool(exit_multiple="3", mint_ratio="0.5", sell_fee="0.1")
    for member in ("m1", "m2"):
        api.member(member)
    api.completed_order("o1", "m1", "1000.00", "300.00")
    api.completed_order("o2", "m2", "400.00", "300.00")
    api.ok(api.post("/v1/orders/o1/reverse"))
    api.ok(api.post("/v1/orders/o2/reverse"))
    books = look(api, context, ["m1", "m2"])
    assert books.of("external:customers") == 0  # everything paid went back
    sign_in(api.client, api.tenant)
    day = api.ok(api.client.get("/console/data/figures"))["activity"]
    assert day["orders"] == {"count": 2, "amount": "1400.00"}
    assert day["refunds"] == {"count": 2, "amount": "1400.00"}
    api.client.get("/language/zh")
    page = html.unescape(api.client.get("/console").text)
    api.client.cookies.clear()
    row = re.search(
        r"完成后退款的订单（退还顾客）</th>\s*<td[^>]*>2</td>\s*<td[^>]*>([^<]*)<", page
    )
    assert row is not None and row.group(1) == "¥1,400.00"
