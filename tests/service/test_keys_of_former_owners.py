"""Migration 0027: a key made by a user who was disabled, or stopped being an owner,
before 0026 (which revoked nothing, only named each key's maker) is revoked at the
upgrade, as a change of that user revokes it now: 0026 left such a key working, listed
as made by the user let go, the very case 'a key ends with its maker's rights' is for.
Each revocation is in the audit log (`system:upgrade`, naming the maker); the keys of an
owner still there, of the command line and of no one known are untouched, and the
audit log's numbers go on. On SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.service.conftest import PASSWORD, Api, down_and_up, login
from zengzhi.service.base import Context
from zengzhi.store import tables as t


def _owner(api: Api) -> str:
    name = f"owner-{secrets.token_hex(3)}"
    api.ok(api.post("/v1/users", {"username": name, "password": PASSWORD, "role": "owner"}))
    return name


def test_keys_of_makers_gone_before_0026_are_revoked_at_the_upgrade(
    api: Api, client: TestClient, context: Context
) -> None:
    let_go, demoted, staying = _owner(api), _owner(api), _owner(api)
    made: dict[str, dict[str, Any]] = {}
    for name in (let_go, demoted, staying):
        session = login(client, api.tenant, name)
        made[name] = api.ok(api.post("/v1/api-keys", {"name": name}, token=session))
    api.ok(api.patch(f"/v1/users/{let_go}", {"disabled": True}))
    api.ok(api.patch(f"/v1/users/{demoted}", {"role": "operator"}))
    k = t.api_keys.c
    with context.database.write() as connection:  # as the releases before 0026 left them
        connection.execute(
            update(t.api_keys).where(k.tenant_id == api.tenant).values(revoked_at=None)
        )

    def works(name: str) -> bool:
        return api.get("/v1/members", token=made[name]["token"]).status_code == 200

    assert works(let_go) and works(demoted) and works(staying)
    audited = api.ok(api.get("/v1/audit-log", limit="500"))
    down_and_up(context, "0025")  # 0026 names the makers, 0027 revokes
    assert not works(let_go) and not works(demoted)
    assert works(staying)
    listed = {key["key_id"]: key for key in api.ok(api.get("/v1/api-keys"))}
    assert listed[made[let_go]["key_id"]]["revoked_at"] is not None
    assert listed[made[staying]["key_id"]]["revoked_at"] is None
    after = api.ok(api.get("/v1/audit-log", limit="500"))
    new = after[: len(after) - len(audited)]
    assert sorted((row["actor"], row["action"], row["target"], row["after"]) for row in new) == (
        sorted(
            ("system:upgrade", "api_key.revoke", f"key:{made[name]['key_id']}", {"maker": name})
            for name in (let_go, demoted)
        )
    )
    # the log numbers on: the next change is recorded after the upgrade's
    api.ok(api.patch(f"/v1/users/{staying}", {"role": "viewer"}))
    assert api.ok(api.get("/v1/audit-log", limit="1"))[0]["action"] == "api_key.revoke"
    assert not works(staying)
