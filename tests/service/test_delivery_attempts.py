"""docs/integration.md: a delivery's `attempts` counts its failed attempts since it was
(re)scheduled, so one delivered at the first try says 0 while its attempt log holds that
one delivered attempt; a failure then a success says 1, with two in the log."""

from __future__ import annotations

from datetime import timedelta

from tests.service.conftest import Api, Clock
from tests.service.test_webhooks import Receiver, subscribe
from zengzhi.service.base import Context
from zengzhi.service.webhook_delivery import dispatch


def test_attempts_counts_the_failed_ones_the_log_every_one(
    api: Api, context: Context, clock: Clock
) -> None:
    hook = subscribe(api, ["member.joined"])
    api.member("m1")
    receiver = Receiver(hook["secret"], clock, lambda n, e: "ok")
    with receiver.client() as client:
        dispatch(context, api.tenant, client)
    [first] = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
    detail = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries/{first['event_id']}"))
    assert (detail["status"], detail["attempts"]) == ("delivered", 0)
    assert [a["outcome"] for a in detail["attempt_log"]] == ["delivered"]

    api.member("m2")
    receiver.behave = lambda n, e: "fail" if n == 2 else "ok"
    with receiver.client() as client:
        dispatch(context, api.tenant, client)
        clock.now += timedelta(seconds=11)
        dispatch(context, api.tenant, client)
    second = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))[0]
    detail = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries/{second['event_id']}"))
    assert (detail["status"], detail["attempts"]) == ("delivered", 1)
    assert [a["outcome"] for a in detail["attempt_log"]] == ["refused", "delivered"]
