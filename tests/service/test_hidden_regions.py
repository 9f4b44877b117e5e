"""A region is a name people read, one line of visible characters (docs/service.md,
docs/security.md), and it is matched by its text: an agent's region and an order's
region took a bidirectional control or a zero-width space (`Name`, printable only),
so '广东/\u200b深圳' was listed as 广东/深圳 and an order there paid none of the city's
agents. Refused naming `region`, in English and Chinese; nothing is kept. On SQLite and
PostgreSQL."""

from __future__ import annotations

from tests.service.conftest import Api

HIDDEN = {"U+202E": "\u202e", "U+200B": "\u200b", "U+FEFF": "\ufeff", "U+2028": "\u2028"}


def _refused(shown: str) -> dict[str, str]:
    return {
        "code": "invalid",
        "message": f"must not contain control or invisible format characters (found {shown})",
        "field": "region",
    }


def test_an_agents_and_an_orders_region_refuse_hidden_characters(api: Api) -> None:
    api.pool()
    api.member("c")
    api.member("buyer")
    for n, (shown, character) in enumerate(HIDDEN.items()):
        region = f"广东/{character}深圳"
        agent = {"id": f"g{n}", "member": "c", "region": region, "level": "city"}
        refused = api.post("/v1/agents", agent)
        assert (refused.status_code, refused.json()) == (422, _refused(shown)), shown
        order = {
            "id": f"o{n}",
            "member": "buyer",
            "amount": "100.00",
            "contribution": "1.00",
            "region": region,
        }
        refused = api.post("/v1/orders", order)
        assert (refused.status_code, refused.json()) == (422, _refused(shown)), shown
    in_chinese = api.client.post(
        "/v1/agents",
        json={"id": "g9", "member": "c", "region": "广东/\u202e深圳", "level": "city"},
        headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh-CN"},
    )
    assert in_chinese.json()["message"] == "不能包含控制字符或不可见的格式字符（发现 U+202E）"
    assert api.ok(api.get("/v1/agents")) == []
    assert api.ok(api.get("/v1/orders")) == []
    # a region of visible characters is taken as before
    api.ok(
        api.post("/v1/agents", {"id": "g1", "member": "c", "region": "广东/深圳", "level": "city"})
    )
    api.ok(
        api.post(
            "/v1/orders",
            {
                "id": "o1",
                "member": "buyer",
                "amount": "1.00",
                "contribution": "0.10",
                "region": "广东/深圳",
            },
        )
    )
