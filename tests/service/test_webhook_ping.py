"""A webhook's test delivery (`POST /v1/webhooks/{id}/ping`): one event of type `ping`
for that subscription alone, whatever types it takes, written to the outbox and sent,
signed and recorded as every other event. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from tests.service.conftest import PASSWORD, Api, Clock
from tests.service.test_console_pages import sign_in
from tests.service.test_webhooks import Receiver, outbox_events, subscribe
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.service.webhooks import ping


def test_a_ping_goes_to_its_subscription_only_signed_and_listed(
    api: Api, context: Context, clock: Clock
) -> None:
    hook = subscribe(api, ["withdrawal.*"])  # takes no "ping": the test goes all the same
    other = subscribe(api, ["*"])  # takes everything: gets no other's test
    sent = api.post(f"/v1/webhooks/{hook['id']}/ping")
    assert sent.status_code == 201, sent.text
    delivery = sent.json()
    assert (delivery["type"], delivery["status"]) == ("ping", "pending")
    [event] = outbox_events(context, api.tenant)
    assert event["id"] == delivery["event_id"]
    assert (event["type"], event["members"], event["data"]) == (
        "ping",
        [],
        {"subscription": hook["id"]},
    )
    assert api.ok(api.get(f"/v1/webhooks/{other['id']}/deliveries")) == []

    receiver = Receiver(hook["secret"], clock, lambda n, e: "ok")  # checks the signature
    assert dispatch(context, api.tenant, receiver.client()).delivered == 1
    assert [e["id"] for e in receiver.arrived] == [delivery["event_id"]]
    [listed] = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
    assert (listed["event_id"], listed["status"]) == (delivery["event_id"], "delivered")
    detail = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries/{listed['event_id']}"))
    assert [a["outcome"] for a in detail["attempt_log"]] == ["delivered"]

    [audited] = [r for r in api.ok(api.get("/v1/audit-log")) if r["action"] == "webhook.ping"]
    assert audited["target"] == f"webhook:{hook['id']}"
    assert audited["after"] == {"event": delivery["event_id"]}


def test_who_may_ping_and_what_cannot_be_pinged(api: Api) -> None:
    hook = subscribe(api)
    support, operator = api.as_role("support"), api.as_role("operator")
    assert api.post(f"/v1/webhooks/{hook['id']}/ping", token=support).status_code == 403
    assert api.post(f"/v1/webhooks/{hook['id']}/ping", token=operator).status_code == 201
    assert api.post("/v1/webhooks/wh_nosuch/ping").status_code == 404
    api.ok(api.delete(f"/v1/webhooks/{hook['id']}"))
    stopped = api.post(f"/v1/webhooks/{hook['id']}/ping")
    assert stopped.status_code == 409 and stopped.json()["field"] == "subscription"
    gateway = api.post("/v1/webhooks/gateway/ping")
    assert gateway.status_code == 409 and "payout requests only" in gateway.json()["message"]


def test_a_form_sent_again_sends_no_second_ping(api: Api, context: Context) -> None:
    hook = subscribe(api)
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    first = ping(context, owner, hook["id"], form="console-0123456789abcdef")
    with pytest.raises(DomainError) as refused:
        ping(context, owner, hook["id"], form="console-0123456789abcdef")
    assert (refused.value.code, refused.value.field) == (ErrorCode.CONFLICT, "id")
    assert [e["id"] for e in outbox_events(context, api.tenant)] == [first.event_id]
    other = ping(context, owner, hook["id"], form="console-fedcba9876543210")
    assert other.event_id != first.event_id


def test_the_console_button_sends_one_test_event(api: Api, context: Context) -> None:
    hook = subscribe(api, ["order.completed"])
    client = api.client
    sign_in(client, api.tenant)
    page = f"/console/webhooks/{hook['id']}"
    shown = client.get(page).text
    found = re.search(r'<form method="post" action="([^"]+/ping)".*?</form>', shown, re.S)
    assert found is not None and found.group(1) == f"{page}/ping"
    form = dict(re.findall(r'name="(csrf|id)" value="([^"]+)"', found.group(0)))
    sent = client.post(f"{page}/ping", data=form, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == page
    [event] = outbox_events(context, api.tenant)
    listed = client.get(page).text
    assert f"Test event {event['id']} (ping) is on its way" in listed
    assert re.search(r"<td [^>]*>ping</td>", listed)  # in the deliveries list, pending
    again = client.post(f"{page}/ping", data=form, follow_redirects=False)  # a reload
    assert again.status_code == 303
    assert "had already sent its test event" in client.get(page).text
    assert len(outbox_events(context, api.tenant)) == 1
    assert client.post(f"{page}/ping", data={"id": form["id"]}).status_code == 403  # no CSRF

    api.ok(api.post("/v1/users", {"username": "vera", "password": PASSWORD, "role": "viewer"}))
    client.cookies.clear()
    csrf = sign_in(client, api.tenant, "vera")
    assert 'id="ping"' not in client.get(page).text
    refused = client.post(f"{page}/ping", data={"csrf": csrf, "id": "console-00"})
    assert refused.status_code == 403
    assert len(outbox_events(context, api.tenant)) == 1
