"""A store's owner and recruiter are members (spec 02: "a store has an owner member";
its recruiter is "the member who brought it in"): the owner's code binds new members to
them, and both are paid into a member's wallet. A store naming someone who is no member
was saved: a registration through its code was then refused as an unknown *referrer* the
registering member never gave, and the recruiter's reward had no wallet. It is refused
now, naming the field (the API and the console), and nothing is saved. On SQLite and
PostgreSQL."""

from __future__ import annotations

import html
import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in

STORE = {"commission_rate": "0.20", "platform_rate": "0.02", "distribution_rate": "0.02"}


def test_a_store_owner_or_recruiter_who_is_no_member_is_refused(api: Api) -> None:
    api.pool()
    api.member("owner")
    api.member("recruiter")
    for body, field, who in (
        ({"owner": "ghost"}, "owner", "ghost"),
        ({"owner": "owner", "recruiter": "nobody"}, "recruiter", "nobody"),
    ):
        refused = api.put("/v1/stores/noodles", {**STORE, **body})
        assert refused.status_code == 404, refused.text
        assert refused.json()["field"] == field
        assert refused.json()["message"] == f"unknown member {who!r}"
    assert api.get("/v1/stores/noodles").status_code == 404  # nothing saved
    saved = api.ok(
        api.put("/v1/stores/noodles", {**STORE, "owner": "owner", "recruiter": "recruiter"})
    )
    assert (saved["owner"], saved["recruiter"]) == ("owner", "recruiter")
    assert api.member("e", store="noodles")["referrer"] == "owner"
    alone = api.ok(api.put("/v1/stores/stall", STORE))  # an owner is still optional
    assert alone["owner"] is None


def test_the_console_says_it_at_the_owner_field(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    form = {"csrf": csrf, "id": "noodles", "owner": "ghost", **STORE}
    # refused by Check as by Save (Check passed it, and Save refused it: 2026-12-07)
    for action in ("check", "save"):
        page = api.client.post("/console/config/stores", data=form | {"action": action})
        assert page.status_code == 404, page.text[-2000:]
        error = re.search(r'id="e-owner"[^>]*>(.*?)</p>', page.text, re.S)
        assert error is not None, page.text[-3000:]
        assert html.unescape(error.group(1)) == "未知会员 “ghost”"
        assert 'value="ghost"' in page.text  # what was typed is kept
    assert api.get("/v1/stores/noodles").status_code == 404
