"""Hostile values sent to the API as an outside fuzzer would (notes/attack-fuzz): each
refusal names the field the caller sent, never an id or the whole body, and leaves
nothing behind. On SQLite and PostgreSQL."""

from __future__ import annotations

from tests.service.conftest import Api


def test_a_split_that_does_not_add_up_names_a_field_not_the_products_id(api: Api) -> None:
    """A product whose parts do not add up to its price was refused with `field` set to
    the product's id ("gift"), or to the last part of an id with a dot in it."""
    api.pool()
    product = {"price": "10.00", "cost": "1.00", "contribution": "1.00", "pool": "main"}
    for key in ("gift", "a.b"):
        refused = api.put(f"/v1/products/{key}", product)
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "price", refused.json()
        assert "not the price 10.00" in refused.json()["message"]
        shares = api.put(f"/v1/products/{key}", {**product, "cost": "50%", "contribution": "20%"})
        assert (shares.status_code, shares.json()["field"]) == (422, "price"), shares.json()
        mixed = api.put(f"/v1/products/{key}", {**product, "cost": "90%"})
        assert (mixed.status_code, mixed.json()["field"]) == (422, "price"), mixed.json()
        store = {"commission_rate": "0.1", "platform_rate": "0.1", "distribution_rate": "0.1"}
        over = api.put(f"/v1/stores/{key}", store)
        assert (over.status_code, over.json()["field"]) == (422, "commission_rate"), over.json()
        assert api.get(f"/v1/products/{key}").status_code == 404
        assert api.get(f"/v1/stores/{key}").status_code == 404
