"""docs/service.md's requests, sent as an integrator copies them: the first steps of a new
tenant (a pool and a product before its first order) and the Orders block's requests, each
answered as the page says, with the figures of docs/model.md's minting table."""

from __future__ import annotations

import json
import re
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from tests.service.conftest import Api

DOC = Path(__file__).parents[2] / "docs" / "service.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
REQUEST = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)\s+(/v1/\S+)\s*(.*)$")


def requests_in(block: str) -> list[tuple[str, str, Any]]:
    """Each `METHOD /path {json}` of a block; a line that starts with spaces continues the
    JSON of the line before; what follows the JSON (or a path with no JSON) is a comment."""
    found: list[tuple[str, str, str]] = []
    for line in block.splitlines():
        if line.startswith(" ") and found:
            method, path, rest = found[-1]
            found[-1] = (method, path, rest + " " + line.strip())
        elif (match := REQUEST.match(line)) is not None:
            found.append((match[1], match[2], match[3]))
    parsed = []
    for method, path, rest in found:
        body = None
        if rest.startswith("{") and "…" not in rest.split("}")[0]:  # "[ … up to 500 … ]": a sketch
            body, _ = json.JSONDecoder().raw_decode(rest)
        parsed.append((method, path, body))
    return parsed


def block_with(text: str) -> str:
    blocks = FENCE.findall(DOC.read_text(encoding="utf-8"))
    (block,) = [body for language, body in blocks if not language and text in body]
    return block


def send(api: Api, method: str, path: str, body: Any) -> Any:
    return api.client.request(
        method, path, headers={"Authorization": f"Bearer {api.token}"}, json=body
    )


def test_a_new_tenants_first_steps_as_the_page_shows_them(api: Api) -> None:
    api.member("u42")
    first = {"id": "A1", "member": "u42", "product": "gift"}
    by_amount = {"id": "A0", "member": "u42", "amount": "1000.00", "contribution": "300.00"}
    refused = api.post("/v1/orders", by_amount)
    assert (refused.status_code, refused.json()["field"]) == (404, "pool")
    steps = requests_in(block_with('POST /v1/pools {"id": "main"'))
    assert [(m, p) for m, p, _ in steps] == [("POST", "/v1/pools"), ("PUT", "/v1/products/gift")]
    for method, path, body in steps:
        assert send(api, method, path, body).status_code in (200, 201), (method, path)
    for n in (1, 2, 3):
        api.ok(api.post("/v1/orders", {**first, "id": f"A{n}"}))
        api.ok(api.post(f"/v1/orders/A{n}/pay"))
    pool = api.ok(api.get("/v1/pools/main"))
    assert (pool["balance"], pool["points"], pool["price"]) == ("900.00", "481.9500", "1.8674")


def test_the_orders_block_is_answered_as_it_says(api: Api) -> None:
    api.pool()
    api.ok(
        api.put(
            "/v1/products/gift", {"price": "1000.00", "cost": "700.00", "contribution": "300.00"}
        )
    )
    api.ok(api.put("/v1/stores/noodles", {"commission_rate": "0.20", "platform_rate": "0.02"}))
    api.member("u42")
    sent = requests_in(block_with('POST /v1/orders {"id": "A1001"'))
    created = [(p, b) for m, p, b in sent if p == "/v1/orders"]
    assert [b["id"] for _, b in created] == ["A1001", "A1002", "A1003", "A1004"]
    for path, body in created:
        answer = api.post(path, body)
        assert answer.status_code == 201, answer.text
        assert api.post(path, body).status_code == 200  # the same again: the first answer
    amounts = {b["id"]: api.ok(api.get(f"/v1/orders/{b['id']}"))["amount"] for _, b in created}
    assert amounts == {"A1001": "2000.00", "A1002": "88.00", "A1003": "1020.00", "A1004": "88.00"}
    assert api.ok(api.get("/v1/orders/A1004"))["status"] == "completed"  # created paid
    steps = [p for m, p, b in sent if p.startswith("/v1/orders/A1001/")]
    assert steps == ["/v1/orders/A1001/pay", "/v1/orders/A1001/complete", "/v1/orders/A1001/cancel"]
    assert api.ok(api.post(steps[0]))["status"] == "completed"  # a return window of 0
    assert api.ok(api.post(steps[1]))["status"] == "completed"  # a step taken: as it is
    assert api.post(steps[2]).status_code == 409  # completed: reversed, not cancelled
    assert api.ok(api.post("/v1/orders/A1001/reverse"))["status"] == "reversed"


def test_repeats_are_answered_with_the_statuses_the_page_gives(api: Api) -> None:
    """service.md, Idempotency: orders and withdrawals 201 then 200; a sale and a subsidy
    200 both times; a registration 201 both times; another body 409 on `id`."""
    api.pool()
    registration = {"id": "u42", "name": "Ann"}
    assert [api.post("/v1/members", registration).status_code for _ in "ab"] == [201, 201]
    other = api.post("/v1/members", {**registration, "name": "Bob"})
    assert (other.status_code, other.json()["field"]) == (409, "id")
    api.completed_order("A1", "u42")
    sale = {"id": "s1", "points": "10.0000"}
    assert [api.post("/v1/members/u42/sell", sale).status_code for _ in "ab"] == [200, 200]
    other = api.post("/v1/members/u42/sell", {**sale, "points": "11.0000"})
    assert (other.status_code, other.json()["field"]) == (409, "id")
    subsidy = {"id": "x1", "amount": "5.00"}
    assert [api.post("/v1/pools/main/subsidies", subsidy).status_code for _ in "ab"] == [200, 200]
    withdrawal = {"id": "w1", "amount": "1.00"}
    made = [api.post("/v1/members/u42/withdrawals", withdrawal).status_code for _ in "ab"]
    assert made == [201, 200]


def test_an_idempotency_key_header_is_ignored_the_id_is_the_key(api: Api) -> None:
    """service.md: no Idempotency-Key header; two orders sent with one such key are two
    orders, and a repeat is known by the order's id whatever the header says."""
    api.pool()
    api.member("u42")
    headers = {"Authorization": f"Bearer {api.token}", "Idempotency-Key": "k1"}
    order = {"id": "A1", "member": "u42", "amount": "10.00", "contribution": "1.00"}
    first = api.client.post("/v1/orders", json=order, headers=headers)
    second = api.client.post("/v1/orders", json={**order, "id": "A2"}, headers=headers)
    again = api.client.post("/v1/orders", json=order, headers={**headers, "Idempotency-Key": "k2"})
    assert [first.status_code, second.status_code, again.status_code] == [201, 201, 200]


def test_payments_md_payee_example_is_the_answer(api: Api) -> None:
    """docs/payments.md, Payees: the PUT as shown answers what the page shows (the
    member's real_name_verified flag, false until the KYC's PATCH sets it)."""
    text = (DOC.parent / "payments.md").read_text(encoding="utf-8")
    shown = text.split("PUT /v1/members/u42/payee\n", 1)[1].split("GET /v1/members/u42", 1)[0]
    request, answer = shown.split("→ 200 ")
    expected = json.loads(answer.replace('"…"', "null"))
    api.member("u42")
    got = api.ok(api.put("/v1/members/u42/payee", json.loads(request)))
    assert {**got, "updated_at": None} == expected
    api.ok(api.patch("/v1/members/u42", {"real_name_verified": True}))
    assert api.ok(api.get("/v1/members/u42/payee"))["real_name_verified"] is True


def test_the_solvency_report_reads_as_the_page_says(api: Api) -> None:
    """service.md, "The solvency report": two orders of 1000/300 (700 to the platform
    each, 300 to the pool), a sale of the first buyer's 210 points, a withdrawal of 10."""
    api.pool()
    for n, member in enumerate(["u1", "u2"], 1):
        api.member(member)
        api.completed_order(f"A{n}", member)
    sale = api.ok(api.post("/v1/members/u1/sell", {"id": "s1", "points": "all"}))
    api.ok(api.post("/v1/members/u1/withdrawals", {"id": "w1", "amount": "10.00"}))
    report = api.ok(api.get("/v1/solvency"))
    assert set(report) == {
        "pools",
        "owed_to_members",
        "owed_by_members",
        "owed_to_merchants",
        "platform_cash",
        "coverage",
        "modes",
    }
    [pool] = report["pools"]
    assert set(pool) == {"pool", "balance", "points", "price", "buyback_cost", "covered"}
    assert sale["payout"] == report["owed_to_members"]  # the wallet and the held 10.00
    assert report["owed_to_merchants"] == "0.00" and report["owed_by_members"] == "0.00"
    payout = Decimal(sale["payout"])
    pool_balance = Decimal("600.00") - payout
    assert pool["balance"] == str(pool_balance)
    # received 2000.00, nothing paid out yet, the pool's balance sits apart
    cash = Decimal("2000.00") - pool_balance
    assert report["platform_cash"] == str(cash)
    assert report["coverage"] == str((cash / payout).quantize(Decimal("0.0001"), ROUND_FLOOR))
