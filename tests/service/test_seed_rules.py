"""Issue 19's rules through the API, on SQLite and PostgreSQL: each one's settings,
its payments, their reversal, and the audit of the ledger against a replay."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.service.conftest import Api, Clock
from tests.service.test_distribution import clean
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.distribution import Conversion, convert_contributions
from zengzhi.service.jobs import tick


def test_promoters_and_contribution_pay_ins_then_a_conversion(api: Api, context: Context) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {
                "overflow": "platform",
                "commission": {
                    "rates": ["0.2", "0.1"],
                    "promoter_after_purchase": True,
                    "pay_in": "contribution",
                },
            },
        )
    )
    api.pool()
    api.member("a")
    api.member("b", referrer="a")
    api.member("c", referrer="b")
    api.completed_order("o1", "a", contribution="0.00")
    api.completed_order("o2", "c", amount="100.00", contribution="0.00")
    # b never bought: no direct share; a did: the indirect one, into its contribution
    assert api.ok(api.get("/v1/members/b/rewards")) == []
    [indirect] = api.ok(api.get("/v1/members/a/rewards"))
    assert (indirect["kind"], indirect["paid"], indirect["into"]) == (
        "indirect",
        "10.00",
        "contribution",
    )
    refused = api.post(
        "/v1/contribution/conversions",
        {"id": "v1", "into": "cash", "rate": "0.5", "reason": ""},
    )
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    body = {"id": "v1", "into": "cash", "rate": "0.5", "reason": "quarter end"}
    support = api.as_role("support")
    assert api.post("/v1/contribution/conversions", body, token=support).status_code == 403
    [done] = api.ok(api.post("/v1/contribution/conversions", body))
    assert (done["member"], done["balance"], done["paid"]) == ("a", "10.00", "5.00")
    assert api.ok(api.post("/v1/contribution/conversions", body)) == [done]  # once
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "5.00"
    entry = api.ok(api.get("/v1/audit-log"))[0]
    assert (entry["action"], entry["reason"]) == ("contribution.convert", "quarter end")
    clean(api, context)
    api.ok(api.post("/v1/orders/o2/reverse"))  # a owes back the 10.00 it converted
    clean(api, context)


def test_a_dividend_weighted_by_shares(api: Api, context: Context, clock: Clock) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {
                "overflow": "platform",
                "commission": {"rates": ["0.1"], "pay_in": "contribution"},
                "dividends": [
                    {"name": "holders", "share": "0.1", "min_level": 0, "split": "shares"}
                ],
            },
        )
    )
    api.pool()
    api.member("a")
    api.member("b")
    api.member("x", referrer="a")
    api.member("y", referrer="b")
    api.completed_order("o1", "x", amount="40000.00", contribution="0.00")  # a: 4000
    api.completed_order("o2", "y", amount="20000.00", contribution="0.00")  # b: 2000
    body = {"id": "v1", "into": "shares", "rate": "0.0005", "reason": "原始股"}
    shares = api.ok(api.post("/v1/contribution/conversions", body))
    assert [(one["member"], one["shares"]) for one in shares] == [
        ("a", "2.0000"),
        ("b", "1.0000"),
    ]
    clock.advance(days=1)
    tick(context, [api.tenant])
    # 10% of yesterday's 60000 turnover, 2:1 by shares
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "4000.00"
    assert api.ok(api.get("/v1/members/b/wallet"))["balance"] == "2000.00"
    clean(api, context)


def test_a_report_moves_a_stores_members_to_the_reporter(api: Api, context: Context) -> None:
    api.ok(api.put("/v1/distribution", {"overflow": "platform", "commission": {"rates": ["0.01"]}}))
    api.pool()
    for member, referrer in (("r", None), ("o", None), ("m1", "o"), ("m2", "o")):
        api.member(member, **({"referrer": referrer} if referrer else {}))
    body = {"referrer": "r", "reason": "report 12"}
    assert (
        api.put("/v1/members/o/referees/referrer", body, token=api.as_role("viewer")).status_code
        == 403
    )
    moved = api.ok(api.put("/v1/members/o/referees/referrer", body))
    assert moved == {"member": "o", "referrer": "r", "moved": ["m1", "m2"]}
    assert api.ok(api.get("/v1/members/m2"))["referrer"] == "r"
    entry = api.ok(api.get("/v1/audit-log"))[0]
    assert (entry["action"], entry["after"], entry["reason"]) == (
        "member.reassign_referees",
        {"referrer": "r", "members": ["m1", "m2"]},
        "report 12",
    )
    api.completed_order("o1", "m1", contribution="0.00")
    assert api.ok(api.get("/v1/members/r/wallet"))["balance"] == "10.00"
    clean(api, context)


def test_a_conversion_id_used_again_for_another_body_is_a_conflict(api: Api) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {"overflow": "platform", "commission": {"rates": ["0.1"], "pay_in": "contribution"}},
        )
    )
    api.pool()
    api.member("a")
    api.member("x", referrer="a")
    api.completed_order("o1", "x", amount="100.00", contribution="0.00")  # a: 10.00
    body = {"id": "v1", "into": "cash", "rate": "0.5", "reason": "quarter end"}
    [done] = api.ok(api.post("/v1/contribution/conversions", body))
    assert done["paid"] == "5.00"
    # the same id at another rate, or into shares: refused, not answered as the first
    for other in ({"rate": "2"}, {"into": "shares", "rate": "0.0005"}):
        refused = api.post("/v1/contribution/conversions", body | other)
        assert refused.status_code == 409, refused.json()
        assert refused.json()["field"] == "id"
    # the same body spelled another way ("0.50" for "0.5") is the same request
    assert api.ok(api.post("/v1/contribution/conversions", body | {"rate": "0.50"})) == [done]
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "5.00"


def test_one_conversion_id_sent_at_once_with_two_bodies_applies_one(
    api: Api, context: Context
) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {"overflow": "platform", "commission": {"rates": ["0.1"], "pay_in": "contribution"}},
        )
    )
    api.pool()
    api.member("a")
    api.member("x", referrer="a")
    api.completed_order("o1", "x", amount="100.00", contribution="0.00")  # a: 10.00
    finance = Principal(api.tenant, "user:finance", Role.OWNER)
    rates = ["0.5", "2", "0.5", "2"]
    start = threading.Barrier(len(rates))

    def send(rate: str) -> tuple[str, object]:
        request = Conversion(id="v1", into="cash", rate=rate, reason="at once")
        start.wait(timeout=30)
        try:
            return rate, convert_contributions(context, finance, request)
        except DomainError as error:
            return rate, error.code

    with ThreadPoolExecutor(len(rates)) as pool:
        answers = list(pool.map(send, rates))
    won = {rate for rate, answer in answers if isinstance(answer, list)}
    assert len(won) == 1, answers  # one body applied; the other's senders told it conflicts
    assert {answer for rate, answer in answers if rate not in won} == {ErrorCode.CONFLICT}
    [paid] = {answer[0].paid for _, answer in answers if isinstance(answer, list)}
    assert paid == {"0.5": "5.00", "2": "20.00"}[won.pop()]
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == paid
    clean(api, context)


def test_a_re_binding_sent_again_moves_nothing_and_records_nothing(
    api: Api, context: Context
) -> None:
    api.ok(api.put("/v1/distribution", {"overflow": "platform", "commission": {"rates": ["0.01"]}}))
    for member, referrer in (("r", None), ("s", None), ("o", None), ("m1", "o")):
        api.member(member, **({"referrer": referrer} if referrer else {}))
    body = {"referrer": "r", "reason": "report 12"}
    assert api.ok(api.put("/v1/members/o/referees/referrer", body))["moved"] == ["m1"]
    audit = api.ok(api.get("/v1/audit-log"))
    for again in (body, {"referrer": "s", "reason": "report 13"}):
        moved = api.ok(api.put("/v1/members/o/referees/referrer", again))
        assert moved == {"member": "o", "referrer": again["referrer"], "moved": []}
    ghost = api.put("/v1/members/o/referees/referrer", {"referrer": "ghost", "reason": "x"})
    assert (ghost.status_code, ghost.json()["field"]) == (404, "referrer")
    assert api.ok(api.get("/v1/audit-log")) == audit  # no second record of a move
    assert api.ok(api.get("/v1/members/m1"))["referrer"] == "r"
    clean(api, context)
