"""A shop that plugs into zengzhi: members, orders, a sale, and webhooks received on a
local port, their signatures checked and duplicates dropped by event id.

Start a server with a demo tenant on a fresh database, then run this with what it
printed (the demo API key and the owner's password):

    zengzhi serve --demo --database sqlite:///demo.db
    python examples/shop_client.py --api-key zz1.demo.… --password …

Needs Python 3.11+ and the typed client generated from the API's description, which is
what an integrator installs (`pip install ./clients/python`; nothing of the server is
imported). The signature recipe is docs/integration.md's.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from zengzhi_client import AuthenticatedClient, Client
from zengzhi_client.api.members import create_member, sell_points
from zengzhi_client.api.orders import create_order, pay_order
from zengzhi_client.api.tenants import login
from zengzhi_client.api.webhooks import create_webhook, delete_webhook
from zengzhi_client.models import Login, NewMember, NewOrder, SellRequest, SubscriptionIn
from zengzhi_client.types import Response

TOLERANCE = 300  # seconds a webhook's timestamp may be away from our clock


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes) -> bool:
    """The recipe: HMAC-SHA256 of "<timestamp>.<body>" with the subscription's secret,
    compared in constant time, and a timestamp close to now."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > TOLERANCE:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    wanted = "v1=" + expected.hexdigest()
    return any(hmac.compare_digest(wanted, part.strip()) for part in signature.split(","))


class Inbox:
    """What the shop has received: each event once, in arrival order."""

    def __init__(self, flaky: bool) -> None:
        self.secret = ""
        self.events: list[dict[str, Any]] = []
        self.seen: set[str] = set()
        self.duplicates = 0
        self.refused = 0
        self.requests = 0
        self.flaky = flaky
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)

    def receive(self, headers: Any, body: bytes) -> int:
        """The HTTP status to answer."""
        with self.lock:
            self.requests += 1
            if not verify(
                self.secret,
                headers.get("X-Zengzhi-Timestamp"),
                headers.get("X-Zengzhi-Signature"),
                body,
            ):
                self.refused += 1
                return 401
            if self.flaky and self.requests % 3 == 0:
                return 503  # pretend to be busy: zengzhi retries later
            event = json.loads(body)
            if event["id"] in self.seen:
                self.duplicates += 1  # delivered at least once: this one was a repeat
                return 200
            self.seen.add(event["id"])
            self.events.append(event)
            self.changed.notify_all()
            return 200


def serve(inbox: Inbox, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(inbox.receive(self.headers, body))
            self.end_headers()

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the zengzhi server")
    parser.add_argument("--api-key", required=True, help="the shop's API key (zz1.…)")
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--user", default="owner", help="a console user who may subscribe")
    parser.add_argument("--password", required=True, help="that user's password")
    parser.add_argument("--port", type=int, default=8765, help="where webhooks arrive")
    parser.add_argument("--product", default="gift", help="a product of the tenant")
    parser.add_argument("--wait", type=int, default=60, help="seconds to wait for webhooks")
    parser.add_argument("--flaky", action="store_true", help="answer 503 to every 3rd hook")
    return parser.parse_args()


def ok(response: Response[Any]) -> Any:
    """The answer's body, typed; a failure (the one error shape) ends the run."""
    if response.status_code >= 300:
        sys.exit(f"{response.status_code}: {response.content.decode()}")
    return response.parsed


def play(shop: AuthenticatedClient, product: str) -> tuple[list[str], set[str]]:
    """Members, orders (one sent twice, as after a timeout), payments and a sale; the
    members, and the causes of the webhooks the shop waits for."""
    run = secrets.token_hex(3)
    members = [f"shop-{run}-{name}" for name in ("ann", "bob")]
    for member in members:
        ok(create_member.sync_detailed(client=shop, body=NewMember(id=member, name=member)))
    orders = []
    for n, member in enumerate(members * 2):
        order = NewOrder(id=f"{member}-order{n}", member=member, product=product)
        first = ok(create_order.sync_detailed(client=shop, body=order))
        again = ok(create_order.sync_detailed(client=shop, body=order))
        assert again.to_dict() == first.to_dict()  # the same order again changes nothing
        ok(pay_order.sync_detailed(order.id, client=shop))
        orders.append(order.id)
    sale = ok(
        sell_points.sync_detailed(
            members[0], client=shop, body=SellRequest(id=f"{run}-s", points="all")
        )
    )
    print(f"{len(members)} members, {len(orders)} orders paid, sold for {sale['payout']}")
    return members, {f"order:{order}" for order in orders} | {f"sell:{run}-s"}


def wait_for(inbox: Inbox, wanted: set[str], seconds: int) -> set[str]:
    """Wait until every wanted cause has arrived, and then for a quiet second (one cause
    may bring several events, delivered apart); the causes still missing."""
    deadline = time.monotonic() + seconds
    with inbox.changed:
        while True:
            missing = wanted - {e["data"].get("cause", {}).get("id") for e in inbox.events}
            if time.monotonic() > deadline:
                return missing
            if not inbox.changed.wait(timeout=1) and not missing:
                return missing


def main() -> int:
    args = arguments()
    inbox = Inbox(args.flaky)
    receiver = serve(inbox, args.port)
    shop = AuthenticatedClient(base_url=args.url, token=args.api_key)
    signing_in = Login(tenant=args.tenant, username=args.user, password=args.password)
    session = ok(login.sync_detailed(client=Client(base_url=args.url), body=signing_in))
    console = AuthenticatedClient(base_url=args.url, token=session.token)
    target = SubscriptionIn(url=f"http://127.0.0.1:{args.port}/zengzhi", event_types=["*"])
    hook = ok(create_webhook.sync_detailed(client=console, body=target))
    inbox.secret = hook.secret  # shown once: a real shop keeps it in its settings
    print(f"subscribed {hook.id} → {hook.url}")
    try:
        members, wanted = play(shop, args.product)
        missing = wait_for(inbox, wanted, args.wait)
        mine = [e for e in inbox.events if set(e["members"]) & set(members)]
        for event in mine:
            print(f"  #{event['sequence']:<5} {event['type']:<20} {', '.join(event['members'])}")
        in_order = all(
            [e["sequence"] for e in mine if member in e["members"]]
            == sorted(e["sequence"] for e in mine if member in e["members"])
            for member in members
        )
        print(
            f"{len(inbox.events)} events received and verified, {inbox.duplicates} duplicates "
            f"dropped, {inbox.refused} refused; in order per member: {in_order}"
        )
        if missing:
            print(f"missing: {sorted(missing)}")
        return 0 if not missing and in_order and not inbox.refused else 1
    finally:
        delete_webhook.sync_detailed(hook.id, client=console)
        receiver.shutdown()


if __name__ == "__main__":
    sys.exit(main())
