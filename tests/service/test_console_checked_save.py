"""Save saves the change that was checked, in every configuration form with a review
(a new pool, a pool's parameters, zones, products, stores): the review's Save carries a
digest of the change; a change edited after its check, or sent without a digest, is not
saved but checked again, with a message that says so; a digest made for another change,
another item or another tenant does not save. Through the console's pages (TestClient),
on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.service.conftest import Api
from tests.service.test_console_pages import checked, sign_in
from tests.service.test_console_sections import dry_run_result

EDITED = "The change was edited after it was checked, so it was not saved."
MISSING = "The change had not been checked, so it was not saved."


@dataclass(frozen=True)
class Form:
    path: str  # where the form posts
    first: dict[str, str]  # the change checked
    edited: dict[str, str]  # the same form edited after the check
    saved: Callable[[Api], Any]  # what the API says of the item (None: not there)
    expected: Any  # what it says once the edited change is saved


def _pool_params(api: Api) -> dict[str, str]:
    params = api.ok(api.get("/v1/pools/main"))["params"]
    names = ("mint_ratio", "sell_fee", "exit_multiple", "opening_price", "min_sell_points")
    return {name: params[name] or "" for name in names}


def _found(api: Api, path: str, field: str) -> Any:
    response = api.get(path)
    return response.json()[field] if response.status_code == 200 else None


UNION = '[union]\nfunding = "0.5"\nlock_days = 15\n'

FORMS = {
    "new pool": lambda api: Form(
        "/console/config/pools",
        {"id": "p2", "mint_ratio": "0.5"},
        {"id": "p2", "mint_ratio": "0.6"},
        lambda api: (_found(api, "/v1/pools/p2", "params") or {}).get("mint_ratio"),
        "0.6",
    ),
    "pool": lambda api: Form(
        "/console/config/pools/main",
        {**_pool_params(api), "exit_multiple": "3"},
        {**_pool_params(api), "exit_multiple": "4"},
        lambda api: api.ok(api.get("/v1/pools/main"))["params"]["exit_multiple"],
        "4",
    ),
    "zone": lambda api: Form(
        "/console/config/zones",
        {"id": "z", "completion_delay_days": "0", "modes": UNION},
        {"id": "z", "completion_delay_days": "0", "modes": UNION.replace("15", "10")},
        lambda api: (_found(api, "/v1/zones/z", "modes") or {}).get("union", {}).get("lock_days"),
        10,
    ),
    "product": lambda api: Form(
        "/console/config/products",
        {"id": "gift", "price": "100.00", "platform": "70.00", "contribution": "30.00"},
        {"id": "gift", "price": "100.00", "platform": "80.00", "contribution": "20.00"},
        lambda api: _found(api, "/v1/products/gift", "contribution"),
        "20.00",
    ),
    "store": lambda api: Form(
        "/console/config/stores",
        {"id": "s1", "commission_rate": "0.2"},
        {"id": "s1", "commission_rate": "0.3"},
        lambda api: _found(api, "/v1/stores/s1", "commission_rate"),
        "0.3",
    ),
}


def digest_of(text: str) -> str:
    found = re.search(r'name="checked" value="([0-9a-f]{64})"', text)
    assert found is not None, text
    return found.group(1)


@pytest.mark.parametrize("kind", list(FORMS))
def test_a_change_edited_after_its_check_is_checked_again_not_saved(
    api: Api, other: Api, kind: str
) -> None:
    api.pool(exit_multiple="2")
    csrf = sign_in(api.client, api.tenant)
    form = FORMS[kind](api)
    before = form.saved(api)
    first = checked(api.client, form.path, {"csrf": csrf, **form.first})

    # edited after the check: Save sends the new values with the old digest
    edited = api.client.post(form.path, data={**first, **form.edited})
    assert edited.status_code == 409, edited.text
    assert EDITED in edited.text and 'role="alert" id="unchecked"' in edited.text
    assert form.saved(api) == before  # nothing saved
    # the review of the new values is on the page, with their own digest to save them
    assert 'id="lint-heading"' in edited.text
    again = digest_of(edited.text)
    assert again != first["checked"]
    for value in form.edited.values():
        assert value.replace('"', "&#34;") in edited.text  # the form keeps what was typed

    # no digest at all (a script, or a form without the review): checked, not saved
    bare = api.client.post(form.path, data={"csrf": csrf, **form.edited, "action": "save"})
    assert bare.status_code == 409 and MISSING in bare.text
    assert digest_of(bare.text) == again  # the digest is of the change, not of the moment
    assert form.saved(api) == before

    # a made-up digest, and one of this change for another tenant, do not save either
    forged = {**form.edited, "csrf": csrf, "action": "save", "checked": "0" * 64}
    assert api.client.post(form.path, data=forged).status_code == 409
    other.pool(exit_multiple="2")
    other_csrf = sign_in(other.client, other.tenant)
    elsewhere = checked(other.client, form.path, {"csrf": other_csrf, **form.edited})
    csrf = sign_in(api.client, api.tenant)
    stolen = api.client.post(form.path, data={**elsewhere, "csrf": csrf})
    assert stolen.status_code == 409 and EDITED in stolen.text
    assert form.saved(api) == before

    # Save from the new review saves exactly the edited change
    saved = api.client.post(
        form.path,
        data={"csrf": csrf, **form.edited, "checked": again, "action": "save"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert form.saved(api) == form.expected


def test_the_digest_follows_the_change_not_its_spelling_and_a_dry_runs_save_saves_it(
    api: Api,
) -> None:
    api.pool(exit_multiple="2")
    csrf = sign_in(api.client, api.tenant)
    zone = {"csrf": csrf, "id": "z", "completion_delay_days": "0", "modes": UNION}
    first = checked(api.client, "/console/config/zones", zone)
    # the same modes typed otherwise (spacing, a comment, keys in another order)
    spelled = '# the queue\n[union]\nlock_days=15\nfunding="0.5"\n'
    saved = api.client.post(
        "/console/config/zones", data={**first, "modes": spelled}, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    assert api.ok(api.get("/v1/zones/z"))["modes"]["union"]["lock_days"] == 15

    # a dry run's result offers Save for the change it ran; edited since, it is refused
    params = {**_pool_params(api), "exit_multiple": "3"}
    started = api.client.post(
        "/console/config/pools/main", data={"csrf": csrf, **params, "action": "dryrun"}
    )
    result = dry_run_result(api.client, started)
    assert 'id="dry-run-pools"' in result.text
    ran = digest_of(result.text)
    late = {"csrf": csrf, **params, "exit_multiple": "5", "checked": ran, "action": "save"}
    refused = api.client.post("/console/config/pools/main", data=late)
    assert refused.status_code == 409 and EDITED in refused.text
    assert api.ok(api.get("/v1/pools/main"))["params"]["exit_multiple"] == "2"
    kept = {"csrf": csrf, **params, "checked": ran, "action": "save"}
    done = api.client.post("/console/config/pools/main", data=kept, follow_redirects=False)
    assert done.status_code == 303
    assert api.ok(api.get("/v1/pools/main"))["params"]["exit_multiple"] == "3"


STALE = "Someone saved this item after this page was opened"
EDIT_PAGES = {
    "pool": "/console/config/pools/main",
    "zone": "/console/config/zones/z",
    "product": "/console/config/products/gift",
    "store": "/console/config/stores/s1",
}


def shown_on(html: str) -> str:
    found = re.search(r'name="shown" value="([^"]+)"', html)
    assert found is not None, html
    return found.group(1)


@pytest.mark.parametrize("kind", list(EDIT_PAGES))
def test_a_save_from_a_page_opened_before_another_save_does_not_undo_it(
    api: Api, kind: str
) -> None:
    """Two operators open the same item; the first saves; the second's Save, from a page
    filled before that save, would write back the first one's fields as the page showed
    them: refused (409), nothing saved, until the page is opened again."""
    api.pool(exit_multiple="2")
    csrf = sign_in(api.client, api.tenant)
    form = FORMS[kind](api)
    if kind != "pool":  # the item exists, saved through the console
        made = checked(api.client, form.path, {"csrf": csrf, **form.first})
        assert api.client.post(form.path, data=made, follow_redirects=False).status_code == 303
    editing = {"editing": "1"} if kind != "pool" else {}
    stale_page = shown_on(api.client.get(EDIT_PAGES[kind]).text)

    theirs = checked(api.client, form.path, {"csrf": csrf, **editing, **form.edited})
    assert api.client.post(form.path, data=theirs, follow_redirects=False).status_code == 303
    assert form.saved(api) == form.expected

    mine = checked(
        api.client, form.path, {"csrf": csrf, **editing, **form.first, "shown": stale_page}
    )
    refused = api.client.post(form.path, data=mine)
    assert refused.status_code == 409 and STALE in refused.text
    assert form.saved(api) == form.expected  # theirs stands

    fresh = shown_on(api.client.get(EDIT_PAGES[kind]).text)
    assert fresh != stale_page
    again = checked(api.client, form.path, {"csrf": csrf, **editing, **form.first, "shown": fresh})
    assert api.client.post(form.path, data=again, follow_redirects=False).status_code == 303
    assert form.saved(api) != form.expected  # opened again, the change is saved


def test_a_new_item_someone_else_made_meanwhile_is_not_replaced(api: Api) -> None:
    csrf = sign_in(api.client, api.tenant)
    new_page = shown_on(api.client.get("/console/config/zones/new").text)
    form = FORMS["zone"](api)
    theirs = checked(api.client, form.path, {"csrf": csrf, **form.edited})
    assert api.client.post(form.path, data=theirs, follow_redirects=False).status_code == 303
    mine = checked(api.client, form.path, {"csrf": csrf, **form.first, "shown": new_page})
    api.client.cookies.set("zz_lang", "zh")
    refused = api.client.post(form.path, data=mine)
    assert refused.status_code == 409 and "已有相同 ID 的项目" in refused.text
    assert form.saved(api) == form.expected


def test_a_dry_runs_skipped_events_are_listed_in_the_pages_language(api: Api) -> None:
    """At an opening price of a million the recorded order mints nothing, so the recorded
    sale has nothing to sell: the dry run lists it as skipped, and why, in Chinese."""
    api.pool()
    api.member("u1")
    api.completed_order("o1", "u1")
    api.ok(api.post("/v1/members/u1/sell", {"id": "s1", "points": "1.0000"}))
    csrf = sign_in(api.client, api.tenant)
    api.client.cookies.set("zz_lang", "zh")
    params = {**_pool_params(api), "opening_price": "1000000"}
    started = api.client.post(
        "/console/config/pools/main", data={"csrf": csrf, **params, "action": "dryrun"}
    )
    result = dry_run_result(api.client, started)
    assert "sell:s1：按此方案已无可执行的内容" in result.text, result.text
