"""An independent attack on the platform over HTTP (2026-12-04): sign-out with a token
that only looks like a key, the gateway address telling tenants apart, hostile amounts
and bodies on the money routes, withdrawals decided from several processes at once, and
a webhook receiver that answers slowly or without end. Each test failed on the code it
was written against."""

from __future__ import annotations

from tests.security.conftest import sqlite_only
from tests.service.conftest import Api, Clock
from tests.service.test_payments import notify


@sqlite_only
def test_signing_out_with_a_token_that_only_looks_like_a_key_is_a_401(api: Api) -> None:
    """`zz1.` and three dots make no key: refused as unknown (401) like any bad token, not
    told to revoke it with DELETE /v1/api-keys (409) as if it were one; a revoked key too."""
    key = api.ok(api.post("/v1/api-keys", {"name": "shop"}))
    before = api.ok(api.get("/v1/api-keys"))
    for token in (
        f"zz1.{api.tenant}.0123456789abcdef.{'0' * 64}",
        "zz1.no-such-tenant.0123456789abcdef.x",
        f"zz1.{api.tenant}.{key['key_id']}.wrong-secret",
    ):
        refused = api.post("/v1/auth/logout", token=token)
        assert refused.status_code == 401, (token, refused.text)
    assert api.ok(api.delete(f"/v1/api-keys/{key['key_id']}"))["revoked_at"] is not None
    revoked = api.post("/v1/auth/logout", token=key["token"])
    assert revoked.status_code == 401, revoked.text
    assert [k["key_id"] for k in api.ok(api.get("/v1/api-keys"))] == [k["key_id"] for k in before]
    assert api.get("/v1/pools").status_code == 200  # the caller's own session goes on


@sqlite_only
def test_the_gateway_address_does_not_tell_a_tenant_from_none(api: Api, clock: Clock) -> None:
    """Anyone may post to /v1/gateway/{tenant}/notifications: a tenant without a gateway
    (the manual adapter) and a tenant that does not exist are answered alike, so the
    address cannot be used to list which tenants exist."""
    paid = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    manual = notify(api, "whsec_anything", clock, paid)
    api.tenant, tenant = "no-such-tenant", api.tenant
    unknown = notify(api, "whsec_anything", clock, paid)
    api.tenant = tenant
    assert manual.status_code == unknown.status_code == 401
    assert manual.json() == unknown.json()
