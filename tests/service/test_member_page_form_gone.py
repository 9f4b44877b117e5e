"""The member page says a refusal of a form no longer on the page at the top (9aabc60):
the withdrawal form, gone with the wallet's last yuan, was taken for a pool's sell form
by the last letters of its name ('withdraw'[5:] is 'raw'), so a member holding points
in a pool named `raw` was told nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import Api, enter_member_page


def test_a_withdrawal_refused_with_no_form_is_said_beside_a_pool_named_raw(api: Api) -> None:
    api.pool("raw")
    api.member("m1", name="Ann")
    api.completed_order("o1", "m1", pool="raw")
    client = api.client
    client.cookies.clear()
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    assert enter_member_page(client, issued).status_code == 303
    page = client.get("/m").text
    assert 'id="sell-raw"' in page and 'id="withdraw"' not in page  # points, no money
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert csrf is not None
    for language in ("en", "zh"):
        client.get(f"/language/{language}")
        refused = client.post("/m/withdraw/quote", data={"csrf": csrf.group(1), "amount": "1"})
        assert refused.status_code == 422, refused.text
        said = re.search(r'id="form-error"[^>]*>([^<]+)<', refused.text)
        assert said is not None, (language, refused.text.split("<main", 1)[1][:600])
        assert 'id="withdraw-error"' not in refused.text  # the form is not there
