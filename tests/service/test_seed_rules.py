"""Issue 19's rules through the API, on SQLite and PostgreSQL: each one's settings,
its payments, their reversal, and the audit of the ledger against a replay."""

from __future__ import annotations

from tests.service.conftest import Api, Clock
from tests.service.test_distribution import clean
from zengzhi.service.base import Context
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
