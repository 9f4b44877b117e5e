"""A console form sent again from a page the operator came back to (report F1, F2):
each form of a page has its own request id, a re-sent form that was applied says so and
adds nothing, and an id used before with other values is said next to the form."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_page_notices import _member_page


def _ids(page: str) -> dict[str, str]:
    """Each form's action and the request id it carries."""
    forms = re.findall(r'<form method="post" action="([^"]+)".*?</form>', page, re.S)
    bodies = re.findall(r'<form method="post" action="[^"]+".*?</form>', page, re.S)
    found = {}
    for action, body in zip(forms, bodies, strict=True):
        rid = re.search(r'name="id" value="([^"]+)"', body)
        if rid:
            found[action] = rid.group(1)
    return found


def test_each_form_on_the_pools_page_has_its_own_id(api: Api) -> None:
    api.pool()
    api.pool("local")
    client = api.client
    csrf = sign_in(client, api.tenant)
    ids = _ids(client.get("/console/pools").text)  # the page the operator comes back to
    assert set(ids) >= {
        "/console/pools/main/subsidy",
        "/console/pools/local/subsidy",
        "/console/pools/income",
        "/console/pools/conversion",
    }
    assert len(set(ids.values())) == len(ids)  # no two forms share an id

    local = {"csrf": csrf, "id": ids["/console/pools/local/subsidy"], "amount": "3.00"}
    first = client.post("/console/pools/local/subsidy", data=local, follow_redirects=False)
    assert first.status_code == 303
    assert "Subsidy of ¥3.00 put into pool local." in client.get("/console/pools").text
    # Back, then main's form of the same (cached) page: its own id, applied
    main = {"csrf": csrf, "id": ids["/console/pools/main/subsidy"], "amount": "4.00"}
    other = client.post("/console/pools/main/subsidy", data=main, follow_redirects=False)
    assert other.status_code == 303
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "4.00"

    # Back, local's form sent again as it was: applied once, and the page says so
    again = client.post("/console/pools/local/subsidy", data=local, follow_redirects=False)
    assert again.status_code == 303
    shown = client.get("/console/pools").text
    assert "already been sent" in shown and "Subsidy of ¥3.00 put into pool local." not in shown
    assert api.ok(api.get("/v1/pools/local"))["balance"] == "3.00"

    # Back, local's form with another amount: refused, said beside the form
    changed = client.post("/console/pools/local/subsidy", data={**local, "amount": "7.00"})
    assert changed.status_code == 409
    alert = re.search(r'<div class="notice error" role="alert">(.*?)</div>', changed.text, re.S)
    assert alert is not None and "already sent with other values" in alert.group(1)
    assert api.ok(api.get("/v1/pools/local"))["balance"] == "3.00"
    # and the page it answers with carries fresh ids: sending it now works
    fresh = _ids(changed.text)["/console/pools/local/subsidy"]
    assert fresh != local["id"]
    retry = {**local, "id": fresh, "amount": "7.00"}
    assert client.post("/console/pools/local/subsidy", data=retry).status_code == 200
    assert api.ok(api.get("/v1/pools/local"))["balance"] == "10.00"


def test_a_sale_sent_again_from_the_member_page_says_it_was_made_before(api: Api) -> None:
    client = _member_page(api)
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/m").text)
    assert csrf is not None
    quote = client.post(
        "/m/sell/quote", data={"csrf": csrf.group(1), "pool": "main", "points": "1"}
    )
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', quote.text))
    assert client.post("/m/sell", data=form, follow_redirects=False).status_code == 303
    assert "Sold:" in client.get("/m").text
    held = api.ok(api.get("/v1/members/m1"))
    again = client.post("/m/sell", data=form, follow_redirects=False)  # Back, and again
    assert again.status_code == 303
    shown = client.get("/m").text
    assert "already been made" in shown and "Sold:" not in shown
    assert api.ok(api.get("/v1/members/m1")) == held  # nothing more sold


def test_back_to_a_quote_after_confirming_sells_and_withdraws_once(api: Api) -> None:
    """The quote has an address of its own naming the confirmation's id: Back after
    confirming reloads that quote with the same id, and confirming it again is a repeat
    (was: the quote was a form's answer; Back made the browser post it again, a new quote
    with a new id, and one more confirmation sold again)."""
    client = _member_page(api)
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/m").text)
    assert csrf is not None
    asked = client.post(
        "/m/sell/quote", data={"csrf": csrf.group(1), "pool": "main", "points": "1"}
    )
    assert asked.history and asked.history[0].status_code == 303  # the quote, by GET
    quote_address = str(asked.url)
    assert "/m/sell/quote?" in quote_address and "req=" in quote_address
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', asked.text))
    assert client.post("/m/sell", data=form, follow_redirects=False).status_code == 303
    held = api.ok(api.get("/v1/members/m1"))
    back = client.get(quote_address)  # Back: the same quote, the same id
    again = dict(re.findall(r'name="(\w+)" value="([^"]*)"', back.text))
    assert again["id"] == form["id"]
    assert client.post("/m/sell", data=again, follow_redirects=False).status_code == 303
    assert "already been made" in client.get("/m").text
    assert api.ok(api.get("/v1/members/m1")) == held  # sold once

    more = client.post(
        "/m/sell/quote", data={"csrf": csrf.group(1), "pool": "main", "points": "50"}
    )
    client.post("/m/sell", data=dict(re.findall(r'name="(\w+)" value="([^"]*)"', more.text)))
    wallet = api.ok(api.get("/v1/members/m1/wallet"))["balance"]  # enough for two
    asked = client.post("/m/withdraw/quote", data={"csrf": csrf.group(1), "amount": "1.00"})
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', asked.text))
    assert client.post("/m/withdraw", data=form, follow_redirects=False).status_code == 303
    again = dict(re.findall(r'name="(\w+)" value="([^"]*)"', client.get(str(asked.url)).text))
    assert again["id"] == form["id"]
    client.post("/m/withdraw", data=again, follow_redirects=False)
    withdrawals = api.ok(api.get("/v1/withdrawals", member="m1"))
    assert len(withdrawals) == 1, (wallet, withdrawals)
    # an address without its id is no quote: back to the page
    bare = client.get("/m/sell/quote?pool=main&points=1", follow_redirects=False)
    assert (bare.status_code, bare.headers["location"]) == (303, "/m")
