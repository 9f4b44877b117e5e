"""What members call the pools (the settings' `member_page.pool_names`): a name for a
pool that does not exist is refused at its field, by the service (the API too), with
nothing saved; a pool with no name is shown to members by a label, not by its id."""

from __future__ import annotations

import re

import httpx

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_form_errors import field_errors, settings
from tests.service.test_console_pages import sign_in
from zengzhi.service.base import Context
from zengzhi.service.tenants import load_settings
from zengzhi.store.tenants import store_settings


def test_a_name_for_a_pool_that_does_not_exist_is_refused_at_its_field(api: Api) -> None:
    """`mian = 购物积分` (a typo) was saved, and the member page went on showing the pool
    by its id: the name named no pool."""
    api.pool()
    api.pool("local")
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    names = "main = 购物积分\nmian = 本地积分"
    page = api.client.post(
        "/console/config/settings", data=settings(csrf, **{"member_page.pool_names": names})
    )
    assert page.status_code == 404
    assert field_errors(page.text) == {"member_page.pool_names": "mian：未知积分池 “mian”"}
    assert "mian = 本地积分" in page.text  # the text kept, to correct
    api.client.get("/language/en")
    page = api.client.post(
        "/console/config/settings", data=settings(csrf, **{"member_page.pool_names": names})
    )
    assert field_errors(page.text) == {"member_page.pool_names": "mian: unknown pool 'mian'"}
    refused = api.put(
        "/v1/tenant/settings", {"member_page": {"pool_names": {"main": "购物积分", "p9": "x"}}}
    )
    assert refused.status_code == 404, refused.text
    assert refused.json()["field"] == "member_page.pool_names.p9"
    assert refused.json()["message"] == "unknown pool 'p9'"
    assert api.ok(api.get("/v1/tenant"))["settings"]["member_page"]["pool_names"] == {}
    # the pools that exist are named
    saved = api.put(
        "/v1/tenant/settings",
        {"member_page": {"pool_names": {"main": "购物积分", "local": "本地积分"}}},
    )
    assert api.ok(saved)["settings"]["member_page"]["pool_names"] == {
        "main": "购物积分",
        "local": "本地积分",
    }


def _headings(client: httpx.Client) -> list[str]:
    home = client.get("/m")
    assert home.status_code == 200, home.text
    return re.findall(r'<h2 id="points-[^"]+">([^<]*)</h2>', home.text)


def test_a_pool_with_no_name_is_shown_to_members_by_a_label_not_its_id(api: Api) -> None:
    """A member read "您在 p2 的积分": the pool's id is the operator's code. A pool with no
    name is "the points pool", numbered when the member has several such; the main pool
    keeps its own label, and a pool the platform named its name."""
    for pool in ("main", "p2", "p3"):
        api.pool(pool)
    api.member("m1")
    for n, pool in enumerate(("main", "p2", "p3")):
        api.completed_order(f"o{n}", "m1", pool=pool)
    client = api.client
    client.cookies.clear()
    enter_member_page(client, api.ok(api.post("/v1/members/m1/page-token")))
    client.get("/language/zh")
    assert _headings(client) == ["您在主积分池的积分", "您在积分池 1 的积分", "您在积分池 2 的积分"]
    client.get("/language/en")
    assert _headings(client) == [
        "Your points in the main pool",
        "Your points in points pool 1",
        "Your points in points pool 2",
    ]
    api.ok(api.put("/v1/tenant/settings", {"member_page": {"pool_names": {"p3": "购物积分"}}}))
    client.get("/language/zh")
    assert _headings(client) == ["您在主积分池的积分", "您在积分池的积分", "您在购物积分的积分"]
    client.get("/language/en")
    assert _headings(client)[1] == "Your points in the points pool"


def test_a_name_saved_before_the_check_does_not_refuse_the_other_settings(
    api: Api, context: Context
) -> None:
    """A tenant whose settings already named a pool that does not exist (saved before the
    check) can still save its other settings with that line left as it was; changing
    that name, or adding another for no pool, is refused."""
    api.pool()
    stale = {"main": "购物积分", "gone": "旧积分"}
    with context.database.write() as connection:  # as saved before the check
        current = load_settings(connection, api.tenant)
        page = current.member_page.model_copy(update={"pool_names": stale})
        updated = current.model_copy(update={"member_page": page})
        store_settings(connection, api.tenant, updated.model_dump(mode="json"))
    body = {"member_page": {"pool_names": stale}, "withdrawals": {"minimum": "5.00"}}
    assert api.put("/v1/tenant/settings", body).status_code == 200
    for names in ({**stale, "gone": "改名"}, {**stale, "p9": "x"}):
        refused = api.put("/v1/tenant/settings", {"member_page": {"pool_names": names}})
        assert refused.status_code == 404, refused.text
    assert api.ok(api.get("/v1/tenant"))["settings"]["withdrawals"]["minimum"] == "5.00"
