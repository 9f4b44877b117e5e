"""Notices after a form (sold, withdrawn, subsidy put in, withdrawals decided): what the
page says was done is what was done, never what a link says (report F0, F0b)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_pages import sign_in


def _member_page(api: Api, member: str = "m1") -> TestClient:
    api.pool()
    api.member(member, name="Ann")
    api.completed_order("o1", member)
    client = api.client
    client.cookies.clear()
    issued = api.ok(api.post(f"/v1/members/{member}/page-token"))
    assert enter_member_page(client, issued).status_code == 303
    return client


def test_a_malformed_notice_on_the_member_page_is_no_error(api: Api) -> None:
    client = _member_page(api)
    for asked in ("x", "<script>", "foo:1", "sold:abc", ":"):
        page = client.get("/m", params={"done": asked})
        assert page.status_code == 200, (asked, page.text)
        assert "member.done_" not in page.text  # never a raw catalogue key
        assert 'class="notice ok"' not in page.text


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
    assert found is not None
    return found.group(1)


def test_the_member_page_says_sold_only_after_a_sale(api: Api) -> None:
    client = _member_page(api)
    for spoof in ("sold:999999.99", "withdrawn:88888.00"):
        page = client.get("/m", params={"done": spoof})
        assert page.status_code == 200
        assert 'id="notice"' not in page.text and "999,999.99" not in page.text
    quote = client.post(
        "/m/sell/quote", data={"csrf": _csrf(client.get("/m").text), "pool": "main", "points": "1"}
    )
    assert quote.status_code == 200, quote.text
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', quote.text))
    sold = client.post("/m/sell", data=form, follow_redirects=False)
    assert sold.status_code == 303 and sold.headers["location"] == "/m"  # nothing in the URL
    shown = client.get("/m").text
    notice = re.search(r'id="notice">([^<]*)<', shown)
    assert notice is not None and "Sold" in notice.group(1), shown
    assert 'id="notice"' not in client.get("/m").text  # shown once


def test_a_forged_notice_cookie_is_ignored(api: Api) -> None:
    client = _member_page(api)
    client.cookies.set("zz_notice", "eyJrZXkiOiJtZW1iZXIuZG9uZV9zb2xkIn0.00", path="/m")
    assert 'id="notice"' not in client.get("/m").text


def test_the_console_takes_no_notice_from_the_address(api: Api) -> None:
    api.pool()
    client = api.client
    csrf = sign_in(client, api.tenant)
    spoofed = client.get(
        "/console/withdrawals",
        params={"batch": "approve:999", "refused": "w1:the bank is closed, call 555-0100"},
    ).text.split("<main")[1]
    assert "555-0100" not in spoofed and "999" not in spoofed.split("<form")[0]
    assert 'id="batch-refused"' not in spoofed
    pools_page = client.get("/console/pools", params={"done": "subsidy:FAKE-POOL-999"})
    pools_page = pools_page.text.split("<main")[1]
    assert "FAKE-POOL-999" not in pools_page and 'id="notice"' not in pools_page
    made = client.post(
        "/console/pools/main/subsidy",
        data={"csrf": csrf, "id": "sub-1", "amount": "3.00"},
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"] == "/console/pools"
    shown = client.get("/console/pools").text
    assert re.search(r'id="notice">[^<]*main', shown), shown
    assert 'id="notice"' not in client.get("/console/pools").text


def test_a_batch_names_what_it_refused_from_the_notice(api: Api) -> None:
    client = api.client
    csrf = sign_in(client, api.tenant)
    done = client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "action": "approve", "ids": ["nope-1", "nope-2"]},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/console/withdrawals"
    shown = client.get("/console/withdrawals").text
    assert re.search(r'id="notice">None of them was done', shown), shown  # not '0 approved'
    # not in a success's green: nothing was done
    assert re.search(r'class="notice error" role="status" id="notice">None', shown), shown
    refused = shown.split('id="batch-refused"')[1].split("</div>")[0]
    assert "nope-1" in refused and "nope-2" in refused
