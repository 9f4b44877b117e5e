"""A return window is typed on the console in days, as an operator thinks of it (退货期（天）:
`7`, `0.5` for 12 hours, or days and hours as the zones' list writes them, `2 天 12 小时`),
in a zone's form and on the settings page; the API keeps its field and unit
(`completion_delay_seconds`). Both forms took seconds (`604800` for a week). A fraction
of a second or a negative window is refused at the field, in the page's language, and
nothing is saved; a window kept in seconds that is not whole days is shown back in days,
hours, minutes and seconds and saved back unchanged. Through the console's pages
(TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from html import unescape

from tests.service.conftest import Api
from tests.service.test_console_form_errors import field_errors
from tests.service.test_console_pages import checked, sign_in

ZONES = "/console/config/zones"
SETTINGS = "/console/config/settings"
TYPED = {
    "7": 604_800,
    "0.5": 43_200,
    "1.25": 108_000,
    "１０": 864_000,  # a Chinese input method's digits
    "2 天 12 小时": 216_000,
    "12小时": 43_200,
    "16 分 40 秒": 1_000,
    "2 days 12 h": 216_000,
    "16 min 40 s": 1_000,
    "0": 0,
}
REFUSED = {
    "-1": ("不能为负数", "must not be negative"),
    "-0.5": ("不能为负数", "must not be negative"),
    "0.00001": ("折合 0.864 秒", "is 0.864 seconds"),
    "1.5 秒": ("折合 1.5 秒", "is 1.5 seconds"),
    "一周": ("必须是天数", "must be a number of days"),
    "7 weeks": ("必须是天数", "must be a number of days"),
    "366": ("不能超过 365 天", "must be at most 365 days"),  # the API's bound, in days
    # other scripts' digits: Python's `\d` and Decimal read ٣ (Arabic-Indic) as 3 days
    "٣": ("必须是天数", "must be a number of days"),
    "٣ 天": ("必须是天数", "must be a number of days"),
    "१२ h": ("必须是天数", "must be a number of days"),
}


def _value(page: str, name: str) -> str:
    found = re.search(rf'<input id="f-{name}" name="{name}"[^>]*value="([^"]*)"', page)
    assert found is not None, name
    return unescape(found.group(1))


def test_a_zones_return_window_is_typed_in_days(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    form = api.client.get(f"{ZONES}/new").text
    assert "退货期（天）" in form and 'name="completion_delay_seconds"' not in form
    for n, (typed, seconds) in enumerate(TYPED.items()):
        zone = {"csrf": csrf, "id": f"z{n}", "completion_delay_days": typed}
        saved = api.client.post(ZONES, data=checked(api.client, ZONES, zone))
        assert saved.status_code == 200, (typed, saved.text[-2000:])
        assert api.ok(api.get(f"/v1/zones/z{n}"))["completion_delay_seconds"] == seconds, typed
    for typed, (chinese, english) in REFUSED.items():
        for language, said in (("zh", chinese), ("en", english)):
            api.client.get(f"/language/{language}")
            zone = {"csrf": csrf, "id": "bad", "completion_delay_days": typed, "action": "check"}
            refused = api.client.post(ZONES, data=zone)
            assert refused.status_code == 422, (typed, refused.text[-2000:])
            flagged = field_errors(refused.text)
            assert list(flagged) == ["completion_delay_days"], (typed, flagged)
            assert said in flagged["completion_delay_days"], (typed, flagged)
    assert api.get("/v1/zones/bad").status_code == 404  # nothing saved


def test_a_zones_window_in_seconds_is_shown_in_days_and_saved_back_unchanged(api: Api) -> None:
    api.pool()
    api.ok(api.put("/v1/zones/week", {"completion_delay_seconds": 604_800}))
    api.ok(api.put("/v1/zones/odd", {"completion_delay_seconds": 1_000}))
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    assert _value(api.client.get(f"{ZONES}/week").text, "completion_delay_days") == "7"
    odd = _value(api.client.get(f"{ZONES}/odd").text, "completion_delay_days")
    assert odd == "16 分 40 秒"
    again = {"csrf": csrf, "id": "odd", "editing": "1", "completion_delay_days": odd}
    again["shown"] = re.search(
        r'name="shown" value="([^"]*)"', api.client.get(f"{ZONES}/odd").text
    ).group(1)
    api.client.post(ZONES, data=checked(api.client, ZONES, again))
    assert api.ok(api.get("/v1/zones/odd"))["completion_delay_seconds"] == 1_000
    api.client.get("/language/en")
    assert _value(api.client.get(f"{ZONES}/odd").text, "completion_delay_days") == "16 min 40 s"


def _settings(csrf: str, days: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "timezone": "Asia/Shanghai",
        "completion_delay_days": days,
        "withdrawals.minimum": "1.00",
        "withdrawals.fee_rate": "0",
        "withdrawals.fee_fixed": "0.00",
        "withdrawals.auto_approve_limit": "0.00",
    }


def test_the_tenants_return_window_is_typed_in_days(api: Api) -> None:
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get(SETTINGS).text
    assert "退货期（天）" in page and _value(page, "completion_delay_days") == "0"
    for typed, seconds in TYPED.items():
        saved = api.client.post(SETTINGS, data=_settings(csrf, typed), follow_redirects=False)
        assert saved.status_code == 303, (typed, saved.text[-2000:])
        kept = api.ok(api.get("/v1/tenant"))["settings"]["completion_delay_seconds"]
        assert kept == seconds, typed
    api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 90_061}))
    assert _value(api.client.get(SETTINGS).text, "completion_delay_days") == "1 天 1 小时 1 分 1 秒"
    for typed, (chinese, _) in REFUSED.items():
        # with another field wrong too: each is flagged at once
        form = _settings(csrf, typed) | {"withdrawals.minimum": "abc"}
        refused = api.client.post(SETTINGS, data=form)
        assert refused.status_code == 422, typed
        flagged = field_errors(refused.text)
        assert set(flagged) == {"completion_delay_days", "withdrawals.minimum"}, (typed, flagged)
        assert chinese in flagged["completion_delay_days"], (typed, flagged)
    kept = api.ok(api.get("/v1/tenant"))["settings"]["completion_delay_seconds"]
    assert kept == 90_061  # nothing saved
