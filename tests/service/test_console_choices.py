"""The configuration forms offer the tenant's pools and zones to pick from (a datalist
on the field), and only the tenant's own."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in


def test_a_products_form_offers_the_pools_and_zones(api: Api, other: Api) -> None:
    api.pool()
    api.pool("local")
    api.ok(api.put("/v1/zones/club", {"modes": {}}))
    other.pool("theirs")
    sign_in(api.client, api.tenant)
    for path in ("/console/config/products/new", "/console/config/stores/new"):
        form = api.client.get(path).text
        offered = re.search(r'<datalist id="choices-pool">(.*?)</datalist>', form, re.S)
        assert offered is not None, path
        assert re.findall(r'value="([^"]+)"', offered.group(1)) == ["local", "main"]
        assert 'id="f-pool"' in form and 'list="choices-pool"' in form
    zones = re.search(
        r'<datalist id="choices-zone">(.*?)</datalist>',
        api.client.get("/console/config/products/new").text,
        re.S,
    )
    assert zones is not None and re.findall(r'value="([^"]+)"', zones.group(1)) == ["club"]
