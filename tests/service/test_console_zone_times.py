"""A zone's start and end on the console's form: typed as 年-月-日 时:分 in the page's
language, not in a datetime-local input, which an English Chromium shows as
"mm/dd/yyyy, --:-- --" on a Chinese page (and in its locale's order whatever the page's
language, as the list pages' day filters were). Read in the tenant's zone; shown back
as it is typed. Through the console's pages (TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import checked, sign_in


def _input(page: str, name: str) -> str:
    found = re.search(rf'<input id="f-{name}" name="{name}"[^>]*>', page)
    assert found is not None, name
    return found.group(0)


def test_a_zones_period_is_typed_as_the_page_writes_a_time(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/config/zones/new").text
    for name in ("starts_at", "ends_at"):
        field = _input(page, name)
        assert 'type="datetime-local"' not in field and 'type="text"' in field, field
        assert 'placeholder="年-月-日 时:分"' in field, field
    zone = {
        "csrf": csrf,
        "id": "z",
        "completion_delay_days": "0",
        "starts_at": "2027-01-01 08:00",
        "ends_at": "２０２７-０３-３１ ２０:００",  # a Chinese input method's digits
    }
    saved = api.client.post(
        "/console/config/zones",
        data=checked(api.client, "/console/config/zones", zone),
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    stored = api.ok(api.get("/v1/zones/z"))  # UTC; the tenant's zone is Shanghai's
    assert stored["starts_at"].startswith("2027-01-01T00:00:00")
    assert stored["ends_at"].startswith("2027-03-31T12:00:00")
    again = api.client.get("/console/config/zones/z").text
    assert 'value="2027-01-01 08:00"' in _input(again, "starts_at")
    assert 'value="2027-03-31 20:00"' in _input(again, "ends_at")
    api.client.get("/language/en")
    english = api.client.get("/console/config/zones/new").text
    assert 'placeholder="yyyy-mm-dd hh:mm"' in _input(english, "starts_at")


def test_a_time_that_is_not_one_is_refused_at_its_field(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    zone = {"csrf": csrf, "id": "z", "completion_delay_days": "0", "starts_at": "明天"}
    refused = api.client.post("/console/config/zones", data={**zone, "action": "check"})
    assert refused.status_code == 422
    assert 'aria-invalid="true" aria-describedby="e-starts_at"' in _input(refused.text, "starts_at")
    assert 'value="明天"' in _input(refused.text, "starts_at")
    assert api.get("/v1/zones/z").status_code == 404
