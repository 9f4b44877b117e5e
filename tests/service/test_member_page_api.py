"""The member page's API: page tokens, and /v1/me that only ever sees the token's member."""

from __future__ import annotations

from tests.service.conftest import Api, Clock
from zengzhi.service.member_access import member_command_id


def _member_setup(api: Api) -> dict[str, str]:
    api.pool(exit_multiple="2")
    api.member("m1", name="Ann")
    api.member("m2", name="Bob")
    api.completed_order("o1", "m1")
    api.completed_order("o2", "m2")
    token = api.ok(api.post("/v1/members/m1/page-token"))
    return {"m1": token["token"], "url": token["url"], "path": token["path"]}


def test_a_page_token_shows_its_member_only(api: Api) -> None:
    issued = _member_setup(api)
    token = issued["m1"]
    assert issued["url"].endswith(issued["path"]) and issued["path"].startswith("/m/enter#token=")
    me = api.ok(api.get("/v1/me", token=token))
    assert (me["id"], me["name"], me["tenant"]) == ("m1", "Ann", api.tenant)
    staff_view = api.ok(api.get("/v1/members/m1/positions"))
    assert api.ok(api.get("/v1/me/positions", token=token)) == staff_view
    assert api.ok(api.get("/v1/me/wallet", token=token))["member"] == "m1"
    # a member token opens nothing of the staff's API, not even reading
    for path in ("/v1/members/m2", "/v1/members", "/v1/pools", "/v1/withdrawals"):
        response = api.get(path, token=token)
        assert response.status_code == 401, path
    # and a staff session or an API key is not a member token
    assert api.get("/v1/me").status_code == 401
    key = api.as_role("integrator")
    assert api.get("/v1/me", token=key).status_code == 401


def test_who_may_issue_page_tokens(api: Api) -> None:
    _member_setup(api)
    assert api.post("/v1/members/m1/page-token", token=api.as_role("integrator")).status_code == 201
    for role in ("support", "operator", "finance", "viewer"):
        response = api.post("/v1/members/m1/page-token", token=api.as_role(role))
        assert response.status_code == 403, role
        # why, as support (who may edit members) would ask: not "may not sell"
        assert response.json()["message"].startswith("a member page token lets its holder")
    missing = api.post("/v1/members/nobody/page-token")
    assert missing.status_code == 404 and missing.json()["field"] == "member"
    short = api.post("/v1/members/m1/page-token", {"minutes": 0})
    assert short.status_code == 422 and short.json()["field"] == "minutes"


def test_page_tokens_expire_and_cannot_be_forged(api: Api, clock: Clock) -> None:
    issued = _member_setup(api)
    token = api.ok(api.post("/v1/members/m1/page-token", {"minutes": 5}))["token"]
    assert api.get("/v1/me", token=token).status_code == 200
    assert api.get("/v1/me", token=token[:-3] + "AAA").status_code == 401
    assert api.get("/v1/me", token=api.token).status_code == 401  # a console session
    clock.advance(minutes=6)
    expired = api.get("/v1/me", token=token)
    assert expired.status_code == 401 and expired.json()["code"] == "unauthorized"
    assert api.get("/v1/me", token=issued["m1"]).status_code == 200  # 30 minutes by default


def test_the_quote_is_what_the_sale_pays_and_changes_nothing(api: Api) -> None:
    token = _member_setup(api)["m1"]
    before = api.ok(api.get("/v1/pools/main"))
    quote = api.ok(api.post("/v1/me/sell/quote", {"points": "all"}, token=token))
    assert api.ok(api.get("/v1/pools/main")) == before
    assert api.ok(api.get("/v1/me/wallet", token=token))["balance"] == "0.00"
    # what the staff API's sale would pay, computed by the engine: 210 points of 357
    assert quote == {
        "pool": "main",
        "points": "210.0000",
        "price": "1.6807",
        "value": "352.94",
        "fee": "70.59",
        "payout": "282.35",
    }
    sold = api.ok(
        api.post(
            "/v1/me/sell",
            {"id": "s1", "points": "all", "min_payout": quote["payout"]},
            token=token,
        )
    )
    assert sold == quote
    again = api.ok(
        api.post(
            "/v1/me/sell",
            {"id": "s1", "points": "all", "min_payout": quote["payout"]},
            token=token,
        )
    )
    assert again == sold  # applied once
    assert api.ok(api.get("/v1/me/wallet", token=token))["balance"] == "282.35"
    history = api.ok(api.get("/v1/me/wallet/history", token=token))
    assert [(h["kind"], h["amount"]) for h in history] == [("sale", "282.35")]
    assert history[0]["cause"] == f"sell:{member_command_id('m1', 's1')}"


def test_a_sale_paying_less_than_its_quote_is_refused(api: Api) -> None:
    token = _member_setup(api)["m1"]
    quote = api.ok(api.post("/v1/me/sell/quote", {"points": "100"}, token=token))
    api.ok(api.patch("/v1/pools/main", {"sell_fee": "0.5"}))  # the operator raised the fee
    refused = api.post(
        "/v1/me/sell", {"id": "s2", "points": "100", "min_payout": quote["payout"]}, token=token
    )
    assert refused.status_code == 409 and refused.json()["field"] == "min_payout"
    assert api.ok(api.get("/v1/me/wallet", token=token))["balance"] == "0.00"
    too_many = api.post("/v1/me/sell/quote", {"points": "999"}, token=token)
    assert too_many.status_code == 422 and too_many.json()["code"] == "insufficient"


def test_member_ids_cannot_take_the_integrators_ids(api: Api) -> None:
    token = _member_setup(api)["m1"]
    api.ok(api.post("/v1/me/sell", {"id": "x1", "points": "10"}, token=token))
    # the integrator's own "x1" for another member is still free
    api.ok(api.post("/v1/members/m2/sell", {"id": "x1", "points": "10"}))


def test_withdrawals_quoted_then_requested_by_the_member(api: Api) -> None:
    token = _member_setup(api)["m1"]
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    settings["withdrawals"] |= {"minimum": "10.00", "fee_rate": "0.01", "fee_fixed": "1.00"}
    api.ok(api.put("/v1/tenant/settings", settings))
    api.ok(api.post("/v1/me/sell", {"id": "s1", "points": "all"}, token=token))
    quote = api.ok(api.post("/v1/me/withdrawals/quote", {"amount": "100.00"}, token=token))
    assert quote == {"amount": "100.00", "fee": "2.00", "payout": "98.00", "available": "282.35"}
    small = api.post("/v1/me/withdrawals/quote", {"amount": "5.00"}, token=token)
    assert small.status_code == 422 and small.json()["field"] == "amount"
    big = api.post("/v1/me/withdrawals/quote", {"amount": "1000.00"}, token=token)
    assert big.status_code == 422 and big.json()["code"] == "insufficient"
    made = api.ok(api.post("/v1/me/withdrawals", {"id": "w1", "amount": "100.00"}, token=token))
    assert (made["member"], made["status"], made["payout"]) == ("m1", "held", "98.00")
    listed = api.ok(api.get("/v1/me/withdrawals", token=token))
    assert [w["id"] for w in listed] == [made["id"]]
    assert api.ok(api.get("/v1/withdrawals", member="m1"))[0]["id"] == made["id"]


def test_the_referral_link_follows_the_settings(api: Api) -> None:
    token = _member_setup(api)["m1"]
    assert api.ok(api.get("/v1/me", token=token))["referral_link"] is None
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    settings["member_page"] = {"referral_link": "javascript:alert(1)//{member}"}
    refused = api.put("/v1/tenant/settings", settings)
    assert refused.status_code == 422 and refused.json()["field"] == "member_page.referral_link"
    settings["member_page"] = {"referral_link": "https://shop.example/join?ref={member}"}
    api.ok(api.put("/v1/tenant/settings", settings))
    me = api.ok(api.get("/v1/me", token=token))
    assert me["referral_link"] == "https://shop.example/join?ref=m1"


def test_members_are_never_users_or_keys(api: Api) -> None:
    body = {"username": "mm", "password": "correct horse battery", "role": "member"}
    assert api.post("/v1/users", body).json()["field"] == "role"
    assert api.post("/v1/api-keys", {"name": "k", "role": "member"}).json()["field"] == "role"


def test_an_integrators_sale_is_held_to_its_quote_too(api: Api) -> None:
    """The integrator's sale for a member had no quote and no floor: after the operator
    raised the sell fee, 100 points paid what the member had not been shown (an
    attacker's doubt). It has both now, as the member page's sale: the same figures."""
    token = _member_setup(api)["m1"]
    by_integrator = api.ok(api.post("/v1/members/m1/sell/quote", {"points": "100"}))
    assert by_integrator == api.ok(api.post("/v1/me/sell/quote", {"points": "100"}, token=token))
    api.ok(api.patch("/v1/pools/main", {"sell_fee": "0.5"}))
    sale = {"id": "s3", "points": "100", "min_payout": by_integrator["payout"]}
    refused = api.post("/v1/members/m1/sell", sale)
    assert (refused.status_code, refused.json()["field"]) == (409, "min_payout")
    assert "ask for a new quote" in refused.json()["message"]
    assert api.ok(api.get("/v1/members/m1/wallet"))["balance"] == "0.00"
    again = api.ok(api.post("/v1/members/m1/sell/quote", {"points": "100"}))
    sold = api.ok(api.post("/v1/members/m1/sell", sale | {"min_payout": again["payout"]}))
    assert (sold["payout"], sold["points"]) == (again["payout"], "100.0000")
    for bad in ("1e3", "１０００", "-1", "0.001"):
        wrong = api.post("/v1/members/m1/sell", sale | {"id": "s4", "min_payout": bad})
        assert (wrong.status_code, wrong.json()["field"]) == (422, "min_payout"), bad
    viewer = api.as_role("viewer")
    assert api.post("/v1/members/m1/sell/quote", {"points": "1"}, token=viewer).status_code == 403
