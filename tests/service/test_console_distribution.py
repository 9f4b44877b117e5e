"""The console's distribution page: the settings as TOML, reviewed by the lint (with its
legal-risk warnings) before a save through `PUT /v1/distribution`'s use case."""

from __future__ import annotations

import html
import re

from tests.service.conftest import Api
from tests.service.test_console_pages import checked, sign_in
from tests.service.test_console_sections import dry_run_result, user

PAGE = "/console/config/distribution"
COMMISSION = 'overflow = "platform"\n\n[commission]\nrates = ["0.2", "0.1"]\n'


def test_the_console_reviews_and_saves_the_distribution_settings(api: Api) -> None:
    csrf = sign_in(api.client, api.tenant)
    assert api.ok(api.get("/v1/distribution")) is None
    empty = api.client.get(PAGE)
    assert empty.status_code == 200 and 'name="distribution"' in empty.text
    form = {"csrf": csrf, "distribution": COMMISSION}
    review = api.client.post(PAGE, data={**form, "action": "check"})
    # commission to referrers who never bought: the recruiting-only warning, before saving
    assert "distribution.recruiting_without_buying" in review.text
    assert "promoter_after_purchase" in review.text
    assert api.ok(api.get("/v1/distribution")) is None  # a check saves nothing
    saved = api.client.post(PAGE, data=checked(api.client, PAGE, form), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == PAGE  # the notice is in a cookie, not the address
    now = api.ok(api.get("/v1/distribution"))
    assert (now["overflow"], now["commission"]["rates"]) == ("platform", ["0.2", "0.1"])
    assert now["commission"]["promoter_after_purchase"] is False
    assert api.ok(api.get("/v1/audit-log"))[0]["action"] == "distribution.configure"

    # the page shows what is in force, as TOML that saves back to the same settings
    shown = api.client.get(PAGE).text
    assert "Distribution settings saved." in shown
    assert "[commission]" in shown and "promoter_after_purchase = false" in shown
    fixed = COMMISSION + 'promoter_after_purchase = true\n\n[recruiter]\nrate = "0.005"\n'
    fixed += "indirect_members = true\n"
    again = {"csrf": csrf, "distribution": fixed}
    review = api.client.post(PAGE, data={**again, "action": "check"})
    assert "distribution.recruiting_without_buying" not in review.text
    assert "distribution.recruiter.indirect_members" in review.text  # recruiting rewards
    api.client.post(PAGE, data=checked(api.client, PAGE, again))
    now = api.ok(api.get("/v1/distribution"))
    assert now["commission"]["promoter_after_purchase"] is True
    assert now["recruiter"] == {**now["recruiter"], "rate": "0.005", "indirect_members": True}


def test_a_save_without_a_check_or_after_an_edit_saves_nothing(api: Api) -> None:
    csrf = sign_in(api.client, api.tenant)
    form = {"csrf": csrf, "distribution": COMMISSION}
    unchecked = api.client.post(PAGE, data={**form, "action": "save"})
    assert unchecked.status_code == 409 and 'id="unchecked"' in unchecked.text
    edited = {**checked(api.client, PAGE, form), "distribution": COMMISSION.replace("0.1", "0.3")}
    assert api.client.post(PAGE, data=edited).status_code == 409
    assert api.ok(api.get("/v1/distribution")) is None
    # the digest follows the settings, not their spelling: a default written out is the same
    same = {**checked(api.client, PAGE, form), "distribution": COMMISSION + "allow_deep = false"}
    assert api.client.post(PAGE, data=same, follow_redirects=False).status_code == 303
    assert api.ok(api.get("/v1/distribution"))["commission"]["rates"] == ["0.2", "0.1"]


def test_a_bad_value_is_refused_naming_the_setting_and_changes_nothing(api: Api) -> None:
    api.ok(api.put("/v1/distribution", {"commission": {"rates": ["0.1"]}}))
    before = api.ok(api.get("/v1/distribution"))
    csrf = sign_in(api.client, api.tenant)
    cases = {
        '[commission]\nrates = ["1.5"]': "commission.rates.0",
        '[commission]\nrates = ["0.1"]\nspeed = 2': "commission.speed",
        'binding = "whenever"': "binding",
        "[commission": "is not TOML",
    }
    for text, named in cases.items():
        for action in ("check", "save"):
            refused = api.client.post(
                PAGE, data={"csrf": csrf, "distribution": text, "action": action}
            )
            assert refused.status_code == 422, (text, refused.text)
            said = re.search(r'id="e-distribution" role="alert">(.*?)</p>', refused.text)
            assert said is not None and named in said.group(1), (text, refused.text)
    assert api.ok(api.get("/v1/distribution")) == before


def test_a_viewer_sees_the_settings_and_cannot_save_them(api: Api) -> None:
    api.ok(api.put("/v1/distribution", {"commission": {"rates": ["0.1"]}}))
    before = api.ok(api.get("/v1/distribution"))
    csrf = sign_in(api.client, api.tenant, user(api, "viewer"))
    page = api.client.get(PAGE).text
    assert 'rates = ["0.1"]' in page.replace("&#34;", '"')
    assert 'value="save"' not in page and 'value="check"' not in page
    form = {"csrf": csrf, "distribution": '[commission]\nrates = ["0.3"]', "action": "save"}
    assert api.client.post(PAGE, data=form).status_code == 403
    assert api.ok(api.get("/v1/distribution")) == before


def test_a_dry_run_of_new_settings_over_the_history_saves_nothing(api: Api) -> None:
    api.pool()
    api.member("a")
    api.member("b", referrer="a")
    api.completed_order("o1", "b", contribution="0.00")
    csrf = sign_in(api.client, api.tenant, user(api, "operator"))
    form = {"csrf": csrf, "distribution": COMMISSION, "action": "dryrun"}
    started = api.client.post(PAGE, data=form)
    assert "Settings (TOML)" in started.text  # the change under test, while it runs
    dry = dry_run_result(api.client, started)
    assert dry.status_code == 200 and 'id="dry-run-totals"' in dry.text
    assert f'action="{PAGE}"' in dry.text and 'value="save"' in dry.text
    assert "rates = [&#34;0.2&#34;, &#34;0.1&#34;]" in dry.text or 'rates = ["0.2"' in dry.text
    assert api.ok(api.get("/v1/distribution")) is None
    assert api.ok(api.get("/v1/members/a/rewards")) == []


RICH = {
    "binding": "any_time",
    "overflow": "platform",
    "commission": {"rates": ["0.01", "0.005"], "promoter_after_purchase": True},
    "recruiter": {"rate": "0.005", "pay_in": "contribution", "indirect_members": True},
    "agents": {
        "mode": "flat",
        "rates": {"province": "0.001", "city": "0.002"},
        "areas": {"华南": ["广东", "广西"], "east/coast": ["浙江"]},
        "pay_in": "contribution",
    },
    "team": {"levels": [{"performance": "50000.00", "rate": "0.1"}], "peer_share": "0.1"},
    "dividends": [
        {"name": "holders", "share": "0.1", "min_level": 0, "split": "shares"},
        {"name": "v", "share": "0.05", "schedule": "monthly", "split": "contribution"},
    ],
    "limits": {"one_account_per_phone": True, "orders_per_day": 5, "total_spend": "1000.00"},
}


def test_the_page_shows_every_setting_as_toml_that_saves_back_unchanged(api: Api) -> None:
    api.ok(api.put("/v1/distribution", RICH))
    before = api.ok(api.get("/v1/distribution"))
    csrf = sign_in(api.client, api.tenant)
    page = api.client.get(PAGE).text
    area = re.search(r'<textarea id="f-distribution"[^>]*>(.*?)</textarea>', page, re.S)
    assert area is not None
    text = html.unescape(area.group(1))
    assert '"华南" = ["广东", "广西"]' in text and "[[dividends]]" in text
    form = {"csrf": csrf, "distribution": text}
    saved = api.client.post(PAGE, data=checked(api.client, PAGE, form), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert api.ok(api.get("/v1/distribution")) == before


def test_an_operator_cannot_weaken_a_control_on_money_from_the_page(api: Api) -> None:
    csrf = sign_in(api.client, api.tenant, user(api, "operator"))
    form = {"csrf": csrf, "distribution": COMMISSION}  # the platform pays over the budget
    refused = api.client.post(PAGE, data=checked(api.client, PAGE, form))
    assert refused.status_code == 403 and 'id="e-distribution"' in refused.text
    assert "overflow: " in refused.text and "the owner must do it" in refused.text
    assert api.ok(api.get("/v1/distribution")) is None
    kept = {**form, "distribution": COMMISSION.replace('"platform"', '"cut"')}
    saved = api.client.post(PAGE, data=checked(api.client, PAGE, kept), follow_redirects=False)
    assert saved.status_code == 303
    assert api.ok(api.get("/v1/distribution"))["overflow"] == "cut"


def test_a_save_from_a_page_opened_before_another_save_is_refused(api: Api) -> None:
    """The distribution settings are saved whole: a page opened before someone else's
    save would undo it, so its Save is refused (409) until the page is opened again."""
    csrf = sign_in(api.client, api.tenant)
    opened = re.search(r'name="shown" value="([^"]+)"', api.client.get(PAGE).text)
    assert opened is not None
    theirs = checked(api.client, PAGE, {"csrf": csrf, "distribution": COMMISSION})
    assert api.client.post(PAGE, data=theirs, follow_redirects=False).status_code == 303
    stale = {"csrf": csrf, "distribution": '[commission]\nrates = ["0.3"]\n'}
    mine = checked(api.client, PAGE, {**stale, "shown": opened.group(1)})
    refused = api.client.post(PAGE, data=mine)
    assert refused.status_code == 409 and "Someone saved this item" in refused.text
    assert api.ok(api.get("/v1/distribution"))["commission"]["rates"] == ["0.2", "0.1"]
