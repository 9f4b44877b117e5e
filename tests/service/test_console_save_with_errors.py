"""A change whose configuration check finds an error (do not launch like this) may still
be saved, as the API saves it: the lint advises. The review offered the same blue 保存
beside "1 个错误" as beside none, so a new operator took the error for nothing or took
Save for refused. It now says 仍然保存（有 1 个错误）, not as the form's first button, with a
line saying that an error does not stop the save. Through the console's pages
(TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in

GUARANTEED = '[ads]\nratio = "1.1"\nbacked = true\n'  # modes.guaranteed_static_return


def _save_button(page: str) -> str:
    found = re.search(
        r'<button type="submit" name="action" value="save"[^>]*>([^<]*)</button>', page
    )
    assert found is not None, "no Save"
    return found.group(0)


def test_save_says_it_saves_despite_the_checks_errors(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    zone = {"csrf": csrf, "id": "z", "completion_delay_days": "0", "action": "check"}
    review = api.client.post("/console/config/zones", data={**zone, "modes": GUARANTEED}).text
    assert "1 个错误" in review
    button = _save_button(review)
    assert ">仍然保存（有 1 个错误）<" in button and 'class="primary"' not in button, button
    assert "错误不会阻止保存" in review
    clean = api.client.post("/console/config/zones", data={**zone, "id": "y", "modes": ""}).text
    assert "0 个错误" in clean and ">保存<" in _save_button(clean)
    assert "错误不会阻止保存" not in clean
    api.client.get("/language/en")
    english = api.client.post("/console/config/zones", data={**zone, "modes": GUARANTEED}).text
    assert ">Save anyway (1 error)<" in _save_button(english)
