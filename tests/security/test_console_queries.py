"""Hostile query strings on every console and member page that takes one (the declared
parameters and those the pages read themselves): a NUL, a number past any column's
range, a sign, an overflowing float, markup, an emoji. Each is refused or ignored in
words, never a 500 (was: `/console/audit?before=99999999999999999999` reached the
database, an integer out of its range)."""

from __future__ import annotations

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_pages import sign_in

HOSTILE = ["\x00", "9" * 25, "-1", "1e309", "'\"<>", "🙂", "%", "2026-02-30"]

PAGES = {
    "/console": ["pool"],
    "/console/data/figures": ["pool", "solvency"],
    "/console/data/chart": ["pool", "range", "start", "end", "samples"],
    "/console/config/products": ["after"],
    "/console/members": [
        "q", "sort", "order", "page", "level", "joined_from", "joined_until",
        "wallet_min", "wallet_max",
    ],
    "/console/members/pick.json": ["q"],
    "/console/members/export.csv": ["q", "sort", "wallet_min", "page"],
    "/console/members/m1": ["before", "referees_after", "rewards_before"],
    "/console/orders": ["id", "member", "store", "status", "since", "until", "page_number"],
    "/console/withdrawals": ["status", "member", "since", "until", "page"],
    "/console/withdrawals/export.csv": ["status", "since"],
    "/console/audit": ["actor", "action", "target", "since", "until", "before"],
    "/console/pools": ["pool", "zone"],
    "/console/config/stores/pick.json": ["q"],
}  # fmt: skip

MEMBER_PAGES = {
    "/m/history": ["before"],
    "/m/sell/quote": ["pool", "points", "req"],
    "/m/withdraw/quote": ["amount", "req"],
}


def test_no_hostile_query_string_is_a_500(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    sign_in(api.client, api.tenant)
    enter_member_page(api.client, issued)
    failed = []
    for pages in (PAGES, MEMBER_PAGES):
        for path, names in pages.items():
            for name in names:
                for value in HOSTILE:
                    answer = api.client.get(path, params={name: value}, follow_redirects=False)
                    if answer.status_code >= 500:
                        failed.append((path, name, value, answer.status_code))
    assert failed == [], "\n".join(map(repr, failed))


def test_a_form_text_with_a_nul_is_refused_naming_its_field(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "1700.00"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "10.00"}))
    csrf = sign_in(api.client, api.tenant)
    answer = api.client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "action": "approve", "ids": ["w1\x00"], "reason": "x"},
        follow_redirects=False,
    )
    # the queue answers a refused form by sending it back to the queue, which says why
    # (web/pages.py see_other_with_refusal): a reload is a GET, not the form again
    assert answer.status_code == 303, answer.text
    shown = api.client.get(answer.headers["location"])
    assert shown.status_code == 422, shown.text
    assert "must not contain control characters" in shown.text
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "held"  # nothing was done
