"""A settings page opened before someone else saved must not undo their save: the form
carries what it was filled from (`shown`), and a save from a stale page is refused whole
(409), the page then showing the settings as saved. An operator's page left open no
longer silently lowers the withdrawal fee or minimum the owner raised meanwhile."""

from __future__ import annotations

import re
from html import unescape

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in

STALE = "the settings were saved by someone else after this page was opened"


def _form(html: str) -> dict[str, str]:
    """The settings form's text fields as the page filled them."""
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
    return {name: unescape(value) for name, value in fields if name != "csrf"}


def test_a_save_from_a_page_opened_before_another_save_is_refused(api: Api) -> None:
    client = api.client
    csrf = sign_in(client, api.tenant)
    opened = _form(client.get("/console/config/settings").text)
    assert opened["shown"] and opened["withdrawals.fee_rate"] == "0"
    raised = {"withdrawals": {"minimum": "5.00", "fee_rate": "0.01", "fee_fixed": "0.00"}}
    api.ok(api.put("/v1/tenant/settings", raised))  # the owner, meanwhile

    stale = client.post(
        "/console/config/settings",
        data=opened
        | {"csrf": csrf, "member_page.referral_link": "https://shop.example/r?m={member}"},
    )
    assert stale.status_code == 409 and STALE in unescape(stale.text)
    saved = api.ok(api.get("/v1/tenant"))["settings"]["withdrawals"]
    assert (saved["fee_rate"], saved["minimum"]) == ("0.01", "5.00")  # not undone
    shown = _form(stale.text)
    assert (shown["withdrawals.fee_rate"], shown["withdrawals.minimum"]) == ("0.01", "5.00")
    assert shown["shown"] != opened["shown"]

    again = client.post(
        "/console/config/settings",
        data=shown
        | {"csrf": csrf, "member_page.referral_link": "https://shop.example/r?m={member}"},
        follow_redirects=False,
    )
    assert again.status_code == 303  # filled from what is saved: saved
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    assert settings["member_page"]["referral_link"] == "https://shop.example/r?m={member}"
    assert settings["withdrawals"]["fee_rate"] == "0.01"

    client.cookies.set("zz_lang", "zh")
    old = shown
    api.ok(api.put("/v1/tenant/settings", raised | {"completion_delay_seconds": 60}))
    refused = client.post("/console/config/settings", data=old | {"csrf": csrf})
    assert refused.status_code == 409 and "其他人保存了设置" in refused.text
    assert STALE not in refused.text
