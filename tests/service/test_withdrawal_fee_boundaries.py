"""The withdrawal fee's rounding (b9df981: the rate's share rounds up so that the payout
rounds down, spec 04:14-16) at its boundaries, read everywhere it is shown: the member's
quote, the member's request, the staff API's queue, the console's queue and, once paid,
the ledger's payout entry (the bank's and the fees' postings) agree to the fen. The
expected figures are the spec's rule worked in Decimal here: payout = floor to the fen of
amount × (1 − rate), less the fixed fee; the fee is the rest."""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import select

from tests.service.conftest import Api, Context
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.core import accounts
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.store import tables as t

RATE, FIXED = Decimal("0.006"), Decimal("0.50")
# a whole fen of share, a share just over a fen (100.01: 0.60006), the fixed fee plus a
# rounded-up fen leaving one fen, a share of 1.00002, the largest just under a fen more
AMOUNTS = ["100.00", "100.01", "0.52", "166.67", "166.66", "1.00"]


def expected(amount: str) -> tuple[str, str]:
    """(fee, payout) by the spec's rule."""
    payout = (Decimal(amount) * (1 - RATE)).quantize(Decimal("0.01"), ROUND_FLOOR) - FIXED
    return str(Decimal(amount) - payout), str(payout)


def test_the_fee_agrees_to_the_fen_in_the_quote_the_request_the_queues_and_the_ledger(
    api: Api, context: Context
) -> None:
    a_member_with_money(api)
    api.ok(
        api.put(
            "/v1/tenant/settings",
            {"withdrawals": {"fee_rate": str(RATE), "fee_fixed": str(FIXED), "minimum": "0.01"}},
        )
    )
    token = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    # a fee that takes it all (0.51: 0.01 of share and 0.50) is refused alike
    for path in ("/v1/me/withdrawals/quote", "/v1/me/withdrawals"):
        refused = api.post(
            path,
            {"id": "all", "amount": "0.51"} if "quote" not in path else {"amount": "0.51"},
            token=token,
        )
        assert refused.status_code == 422 and refused.json()["field"] == "amount", refused.text
    made: dict[str, str] = {}
    for n, amount in enumerate(AMOUNTS):
        fee, payout = expected(amount)
        quote = api.ok(api.post("/v1/me/withdrawals/quote", {"amount": amount}, token=token))
        assert (quote["fee"], quote["payout"]) == (fee, payout), amount
        asked = api.ok(
            api.post("/v1/me/withdrawals", {"id": f"w{n}", "amount": amount}, token=token)
        )
        assert (asked["fee"], asked["payout"]) == (fee, payout), amount
        made[asked["id"]] = amount
    finance = api.as_role("finance")
    queue = {w["id"]: w for w in api.ok(api.get("/v1/withdrawals", token=finance, status="held"))}
    assert {w: (queue[w]["fee"], queue[w]["payout"]) for w in made} == {
        w: expected(amount) for w, amount in made.items()
    }
    client = api.client
    sign_in(client, api.tenant)
    page = client.get("/console/withdrawals", params={"status": "held"}).text
    for withdrawal, amount in made.items():
        fee, payout = expected(amount)
        row = re.search(
            rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(withdrawal)}(?:(?!</tr>).)*</tr>", page, re.S
        )
        assert row is not None, withdrawal
        cells = re.sub(r"<[^>]+>", " ", row.group(0))
        assert re.search(rf"(?<![\d.]){re.escape(fee)}(?![\d])", cells), (withdrawal, fee, cells)
        assert re.search(rf"(?<![\d.]){re.escape(payout)}(?![\d])", cells), (withdrawal, payout)
    for withdrawal in made:
        api.ok(api.post(f"/v1/withdrawals/{withdrawal}/approve", token=finance))
        api.ok(api.post(f"/v1/withdrawals/{withdrawal}/paid", token=finance))
    p, e = t.postings.c, t.entries.c
    with context.database.read() as connection:
        rows = connection.execute(
            select(e.cause, p.account, p.amount)
            .join(t.entries, (e.tenant_id == p.tenant_id) & (e.entry_id == p.entry_id))
            .where(e.tenant_id == api.tenant, e.kind == "withdrawal_payout")
            .order_by(e.entry_id, p.n)
        ).all()
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []
    fen = Decimal("0.01")
    bank = [str(Decimal(fen * amount)) for _, account, amount in rows if account == accounts.BANK]
    fees = [str(Decimal(fen * amount)) for _, account, amount in rows if account == accounts.FEES]
    assert bank == [expected(amount)[1] for amount in made.values()]
    assert fees == [expected(amount)[0] for amount in made.values()]


def test_the_withdrawal_rules_amounts_are_kept_as_yuan_with_two_places(api: Api) -> None:
    """`minimum: "100"` was kept and answered as typed ("100"), where every yuan the API
    answers has two places."""
    typed = {"minimum": "100", "fee_fixed": "1.5", "auto_approve_limit": "0"}
    saved = api.ok(api.put("/v1/tenant/settings", {"withdrawals": typed}))["settings"][
        "withdrawals"
    ]
    answered = api.ok(api.get("/v1/tenant"))["settings"]["withdrawals"]
    wanted = {"minimum": "100.00", "fee_fixed": "1.50", "auto_approve_limit": "0.00"}
    for shown in (saved, answered):
        assert {name: shown[name] for name in wanted} == wanted
